#!/usr/bin/env python3
"""Times Sluice's full reloads: replaces the config file with each prepared variant in turn and polls the
admin endpoint until its top-level "version" goes up.

    reload_loop.py --admin http://127.0.0.1:19100 --config-file DIR/vhosts.yaml --variants F1 F2 ... \
                   [--timeout 60] [--interval-ms 20] [--budget 120]

Prints one line per reload:  RELOAD n=<i> ms=<elapsed> version=<new version>
or                           RELOAD n=<i> timeout
and stops early (printing RELOAD budget-exhausted) once --budget seconds have passed.
Each variant differs from the previous one (a route timeout), so every replacement is a real change.
"""

import argparse
import json
import os
import shutil
import sys
import time
import urllib.request


def version(admin):
    with urllib.request.urlopen(admin.rstrip("/") + "/admin/config", timeout=10) as response:
        document = json.loads(response.read())
    value = document.get("version") if isinstance(document, dict) else None
    if not isinstance(value, (int, float)):
        raise ValueError("admin/config has no top-level numeric 'version'")
    return value


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--config-file", required=True)
    parser.add_argument("--variants", nargs="+", required=True)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--interval-ms", type=float, default=20.0)
    parser.add_argument("--budget", type=float, default=120.0)
    args = parser.parse_args()
    if not args.admin.startswith(("http://127.", "http://localhost")):
        print("reload_loop.py: only loopback admin endpoints are allowed", file=sys.stderr)
        return 2
    began = time.monotonic()
    failures = 0
    for index, variant in enumerate(args.variants, start=1):
        if time.monotonic() - began > args.budget:
            print("RELOAD budget-exhausted", flush=True)
            break
        before = version(args.admin)
        staged = args.config_file + ".staged"
        shutil.copyfile(variant, staged)
        started = time.monotonic()
        os.replace(staged, args.config_file)
        deadline = started + args.timeout
        current = before
        while current <= before and time.monotonic() < deadline:
            time.sleep(args.interval_ms / 1000.0)
            try:
                current = version(args.admin)
            except (OSError, ValueError):
                continue
        if current > before:
            print(f"RELOAD n={index} ms={(time.monotonic() - started) * 1000:.1f} version={current}", flush=True)
        else:
            failures += 1
            print(f"RELOAD n={index} timeout", flush=True)
            if failures >= 2:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
