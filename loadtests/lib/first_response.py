#!/usr/bin/env python3
"""Polls a loopback URL until it answers 200 and prints the moment it did, in ns since the epoch.

    first_response.py --port 18080 [--path /b/3] [--host-header H] [--timeout 60] [--interval-ms 1]

loadtests/run starts this before it starts the proxy, notes the proxy's start time, and subtracts: that is
"time from process start to first proxied response". Each attempt is a fresh connection with
"Connection: close", so the proxy's first response is the one timed. Exits 1 on timeout.
"""

import argparse
import socket
import sys
import time


def attempt(port, request):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(request)
            data = b""
            while b"\r\n" not in data:
                chunk = sock.recv(4096)
                if not chunk:
                    return False
                data += chunk
            return data.startswith(b"HTTP/1.1 200") or data.startswith(b"HTTP/1.0 200")
    except OSError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/b/3")
    parser.add_argument("--host-header", default="localhost")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--interval-ms", type=float, default=1.0)
    parser.add_argument("--ready-file", help="written once polling has begun")
    args = parser.parse_args()
    request = f"GET {args.path} HTTP/1.1\r\nHost: {args.host_header}\r\nConnection: close\r\n\r\n".encode("ascii")
    if args.ready_file:
        with open(args.ready_file, "w", encoding="utf-8") as handle:
            handle.write("polling\n")
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if attempt(args.port, request):
            print(time.time_ns())
            return 0
        time.sleep(args.interval_ms / 1000.0)
    print("timeout", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
