#!/usr/bin/env python3
"""Opens COUNT keep-alive connections to 127.0.0.1:PORT, sends one GET on each, reads the response and then
holds them idle until SIGTERM (or --hold seconds, whichever comes first; bounded on purpose).

    idle_conns.py --port 18080 --count 10000 --ready-file F [--path /b/3] [--hold 120] [--parallel 256]

When every connection has had its response (or failed), it writes "opened=N ok=K failed=F seconds=S" to
--ready-file; loadtests/run reads the proxy's memory then, and stops this script by its PID.
Only loopback addresses are accepted.
"""

import argparse
import asyncio
import os
import signal
import sys
import time


async def open_one(host, port, request, semaphore, connections, counters):
    async with semaphore:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=10)
        except (OSError, asyncio.TimeoutError):
            counters["failed"] += 1
            return
        connections.append(writer)
        try:
            writer.write(request)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                await asyncio.wait_for(reader.readexactly(length), timeout=10)
            if head.startswith(b"HTTP/1.1 200"):
                counters["ok"] += 1
            else:
                counters["failed"] += 1
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            counters["failed"] += 1


async def main(args):
    if not (args.host == "localhost" or args.host.startswith("127.")):
        print("idle_conns.py: only loopback targets are allowed", file=sys.stderr)
        return 2
    request = f"GET {args.path} HTTP/1.1\r\nHost: {args.host_header}\r\n\r\n".encode("ascii")
    semaphore = asyncio.Semaphore(args.parallel)
    connections = []
    counters = {"ok": 0, "failed": 0}
    started = time.monotonic()
    await asyncio.gather(*(open_one(args.host, args.port, request, semaphore, connections, counters)
                           for _ in range(args.count)))
    elapsed = time.monotonic() - started
    with open(args.ready_file + ".tmp", "w", encoding="utf-8") as handle:
        handle.write(f"opened={len(connections)} ok={counters['ok']} failed={counters['failed']} seconds={elapsed:.2f}\n")
    os.replace(args.ready_file + ".tmp", args.ready_file)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await asyncio.wait_for(stop.wait(), timeout=args.hold)
    except asyncio.TimeoutError:
        pass
    for writer in connections:
        writer.transport.abort()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--host-header", default="localhost")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--path", default="/b/3")
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--hold", type=float, default=120.0)
    parser.add_argument("--parallel", type=int, default=256)
    sys.exit(asyncio.run(main(parser.parse_args())))
