"""Websocket clients of the fan-out benchmark, shared by the product and the baseline runs.

One process holds many connections (asyncio + aiohttp) and records, for every message each
connection receives, (time.time() at receipt, version, groups_submitted). The driver
(bench/plenary_fanout.py) steers the processes through shared flags:

- ``ready[k]``: how many of process k's clients hold their first message;
- ``churn``: while set, each connected client closes with probability ``churn_rate`` per second
  and reconnects after 0.1-2 s (at most ``churn_max`` times per client);
- ``final``: the final version once the driver knows it; ``at_final[k]`` counts process k's
  clients whose newest message has at least that version;
- ``stop``: close everything and put (k, logs, stats) on the ``out`` queue.

Connections open at most at ``connect_rate`` per second overall and with at most
``max_pending`` handshakes in flight per process, so a slow server slows the clients down
instead of timing their handshakes out.

Every wait is bounded: the process gives up on its own at ``config["deadline"]`` (time.time()).
Only the URL it is given (127.0.0.1) is contacted."""

import asyncio
import json
import random
import resource
import time

CONNECT_ATTEMPTS = 5  # per (re)connection, with a growing pause
CONNECT_TIMEOUT = 30


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Clients:
    def __init__(self, config: dict, shared: dict):
        self.config = config
        self.shared = shared
        self.k = config["index"]
        self.count = config["count"]
        self.logs: list[list[tuple[float, int, int]]] = [[] for _ in range(self.count)]
        self.latest = [-1] * self.count  # newest version received, per client
        self.sockets: list = [None] * self.count
        self.dropping = [False] * self.count
        self.reconnects = [0] * self.count
        self.stats = {"connect_failures": 0, "unexpected_closes": 0, "churn_closes": 0, "max_message_bytes": 0}
        self.errors: dict[str, int] = {}  # connect failures by kind
        self.stopping = False
        self.churning = False

    async def client(self, session, i: int, start_at: float) -> None:
        import aiohttp

        cfg = self.config
        await asyncio.sleep(max(0.0, start_at - time.monotonic()))
        log, attempts = self.logs[i], 0
        while not self.stopping and time.time() < cfg["deadline"]:
            try:
                async with self.pending:  # at most max_pending handshakes in flight per process
                    ws = await session.ws_connect(
                        cfg["url"],
                        origin=cfg["origin"],
                        autoping=True,
                        heartbeat=None,
                        timeout=aiohttp.ClientWSTimeout(ws_close=5),
                    )
            except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                self.stats["connect_failures"] += 1
                kind = f"{type(exc).__name__} {getattr(exc, 'status', '')}".strip()
                self.errors[kind] = self.errors.get(kind, 0) + 1
                attempts += 1
                if attempts >= CONNECT_ATTEMPTS:
                    return
                await asyncio.sleep(min(5.0, 0.5 * attempts) * random.uniform(0.5, 1.5))
                continue
            attempts = 0
            self.sockets[i] = ws
            try:
                async for message in ws:
                    if message.type != aiohttp.WSMsgType.TEXT:
                        break
                    received = time.time()
                    data = json.loads(message.data)
                    version = data.get("version", -1)
                    log.append((received, version, data.get("groups_submitted", -1)))
                    if version > self.latest[i]:
                        self.latest[i] = version
                    if len(message.data) > self.stats["max_message_bytes"]:
                        self.stats["max_message_bytes"] = len(message.data)
            finally:
                self.sockets[i] = None
                if not ws.closed:
                    await ws.close()
            if self.stopping:
                return
            if self.dropping[i]:
                self.dropping[i] = False
                await asyncio.sleep(random.uniform(0.1, 2.0))
            else:
                self.stats["unexpected_closes"] += 1
                await asyncio.sleep(random.uniform(0.2, 1.0))

    async def churner(self) -> None:
        """While churn is on, close connected clients at random; they reconnect by themselves."""
        step, rate, most = 0.1, self.config["churn_rate"], self.config["churn_max"]
        while not self.stopping:
            await asyncio.sleep(step)
            if not self.churning:
                continue
            for i, ws in enumerate(self.sockets):
                if ws is None or self.dropping[i] or self.reconnects[i] >= most:
                    continue
                if random.random() < rate * step:
                    self.dropping[i] = True
                    self.reconnects[i] += 1
                    self.stats["churn_closes"] += 1
                    asyncio.ensure_future(ws.close())

    async def supervise(self, tasks) -> None:
        shared, k = self.shared, self.k
        while time.time() < self.config["deadline"] and not shared["stop"].is_set():
            shared["ready"][k] = sum(1 for log in self.logs if log)
            self.churning = shared["churn"].is_set()
            final = shared["final"].value
            if final > 0:
                shared["at_final"][k] = sum(1 for v in self.latest if v >= final)
            if all(t.done() for t in tasks):
                break
            await asyncio.sleep(0.05)
        self.stopping = True
        closes = [ws.close() for ws in self.sockets if ws is not None]
        if closes:
            await asyncio.wait_for(asyncio.gather(*closes, return_exceptions=True), timeout=20)

    async def run(self) -> None:
        import aiohttp

        cfg = self.config
        self.pending = asyncio.Semaphore(cfg["max_pending"])
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        async with aiohttp.ClientSession(connector=connector) as session:
            # Process k's clients start interleaved with the other processes', at the overall rate.
            t0 = time.monotonic() + 0.5
            step = cfg["processes"] / cfg["connect_rate"]
            offset = cfg["index"] / cfg["connect_rate"]
            tasks = [asyncio.ensure_future(self.client(session, i, t0 + offset + i * step)) for i in range(self.count)]
            churner = asyncio.ensure_future(self.churner())
            await self.supervise(tasks)
            await asyncio.wait(tasks, timeout=20)
            for task in tasks + [churner]:
                task.cancel()
            await asyncio.gather(*tasks, churner, return_exceptions=True)


def main(config: dict, shared: dict) -> None:
    """Process entry point (multiprocessing, spawn)."""
    raise_fd_limit()
    clients = Clients(config, shared)
    try:
        asyncio.run(clients.run())
    finally:
        clients.stats["reconnects"] = sum(clients.reconnects)
        clients.stats.update({f"error {kind}": n for kind, n in clients.errors.items()})
        shared["out"].put((config["index"], clients.logs, clients.stats))
