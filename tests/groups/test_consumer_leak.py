"""3,000 person streams opened and closed against a real uvicorn and a real Redis: the server's
Redis subscriptions and its memory come back to where they were.

Each closed stream used to leave its own channel subscribed in Redis, with its queue in the
process: presence was sent to the room while the stream was still in it, so the message landed
in the closing stream's channel and kept it alive."""

import asyncio
import os
import re
import shutil
import socket
import time
from pathlib import Path

import pytest
import redis
from django.contrib.sessions.backends.db import SessionStore

from sessions_app.auth import SESSION_KEY, participant_session_entry
from sessions_app.models import Participant
from tests.servers import free_port, start_redis, start_uvicorn, stop, subprocess_database_url

# The server's heap grows to its working size over its first ~2,000 streams (measured: +5 MB
# after 1,000, then flat within ±2 MB up to 6,000), so the warm-up runs past most of that, and
# the measured run is long enough that a leak of 3.5 kB a stream shows above the slack.
CYCLES = 3_000
WARM_UP = 1_000
AT_ONCE = 10
MEMORY_SLACK_MB = 10

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("redis-server") is None and os.environ.get("CI") != "true", reason="redis-server is not installed"
    ),
]


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def server_ports(pid: int) -> set[int]:
    """The local ports of the process's TCP sockets (its connections to Redis among them)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def subscriptions(client: redis.Redis, pid: int) -> dict:
    """What the server holds in Redis: its channels, patterns, and subscriptions per connection."""
    ports = server_ports(pid)
    server_clients = [c for c in client.client_list() if int(c["addr"].rsplit(":", 1)[1]) in ports]
    return {
        "channels": len(client.pubsub_channels()),
        "patterns": client.pubsub_numpat(),
        "client_subscriptions": sum(int(c["sub"]) + int(c["psub"]) for c in server_clients),
    }


def cookies_for(people) -> list[str]:
    cookies = []
    for person in people:
        session = SessionStore()
        session[SESSION_KEY] = {str(person.event_id): participant_session_entry(person)}
        session.create()
        cookies.append(f"sessionid={session.session_key}")
    return cookies


async def cycles(url: str, origin: str, cookies: list[str], count: int) -> None:
    """`count` connect/close cycles, AT_ONCE at a time, each one waiting for its snapshot."""
    from websockets.asyncio.client import connect

    async def one_lane(lane: int):
        for n in range(lane, count, AT_ONCE):
            headers = {"Cookie": cookies[n % len(cookies)]}
            async with connect(url, origin=origin, additional_headers=headers, open_timeout=10) as ws:
                first = await asyncio.wait_for(ws.recv(), timeout=10)
                assert '"event.state"' in first

    await asyncio.gather(*(one_lane(lane) for lane in range(AT_ONCE)))


def settled(measure, baseline: dict, seconds: float) -> dict:
    """The subscriptions once they are back at the baseline, or as they stand after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        now = measure()
        if now == baseline or time.monotonic() > deadline:
            return now
        time.sleep(0.2)


def test_connect_close_cycles_leave_no_subscription_and_no_memory_behind(event, grouped, tmp_path):
    people = list(Participant.objects.filter(event=event))
    cookies = cookies_for(people)
    redis_port, port = free_port(), free_port()
    redis_server = start_redis(redis_port, tmp_path)
    env = {
        **os.environ,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DEBUG": "0",
        "DATABASE_URL": subprocess_database_url(),
    }
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = start_uvicorn(env, port, output=log)
    client = redis.Redis(port=redis_port)
    url, origin = f"ws://127.0.0.1:{port}/ws/events/{event.slug}/me/", f"http://127.0.0.1:{port}"
    try:
        asyncio.run(cycles(url, origin, cookies, WARM_UP))  # imports, caches and pools settle first
        time.sleep(1)
        baseline = subscriptions(client, server.pid)
        memory_before = rss_mb(server.pid)
        started = time.monotonic()
        asyncio.run(cycles(url, origin, cookies, CYCLES))
        took = time.monotonic() - started
        after = settled(lambda: subscriptions(client, server.pid), baseline, 10)
        memory_after = rss_mb(server.pid)
        print(
            f"{CYCLES} cycles in {took:.1f} s; subscriptions {baseline} -> {after}; "
            f"RSS {memory_before:.1f} -> {memory_after:.1f} MB"
        )
        assert after == baseline
        assert memory_after - memory_before <= MEMORY_SLACK_MB
        # Still serving: a stream opens and gets its snapshot.
        asyncio.run(cycles(url, origin, cookies, 1))
    finally:
        stop(server)
        stop(redis_server)
        client.close()
        log.close()


def test_the_server_ports_are_found(tmp_path):
    """The helper above finds a process's own connections (else the CLIENT LIST check is empty)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as conn:
            assert conn.getsockname()[1] in server_ports(os.getpid())
