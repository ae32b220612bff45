"""Baseline of the fan-out benchmark: a plain `websockets` broadcast server in one process.

    python bench/baseline_broadcast.py --port 8765

Clients connect to any path but /publish and get the newest message at once (like the plenary's
snapshot on connect). Every text message that arrives on /publish becomes the newest message
and is broadcast to all clients (websockets.broadcast). Listens on 127.0.0.1 only; stops on
SIGTERM or after --lifetime seconds."""

import argparse
import asyncio
import contextlib
import signal

from websockets.asyncio.server import broadcast, serve

clients: set = set()
newest: list[str] = []


async def handler(ws):
    if ws.request.path == "/publish":
        async for message in ws:
            newest[:] = [message]
            broadcast(clients, message)
        return
    clients.add(ws)
    try:
        if newest:
            await ws.send(newest[0])
        await ws.wait_closed()
    finally:
        clients.discard(ws)


async def main(port: int, lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    loop.add_signal_handler(signal.SIGINT, stop.set_result, None)
    async with serve(handler, "127.0.0.1", port, compression=None, backlog=4096, max_queue=64):
        print("ready", flush=True)
        await asyncio.wait_for(stop, timeout=lifetime)


if __name__ == "__main__":
    import resource

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--lifetime", type=float, default=1800.0, help="stop after this many seconds")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with contextlib.suppress(TimeoutError):
        asyncio.run(main(args.port, args.lifetime))
