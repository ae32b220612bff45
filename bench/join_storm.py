"""Join storm: N participants follow their join links, check in and open their room within a
minute, against two ASGI processes sharing PostgreSQL and Redis.

    python bench/join_storm.py [--participants 1000] [--ramp 30]
        [--database-url postgres://postgres@127.0.0.1:5432/wti_bench] [--redis-url redis://127.0.0.1:6379/1]

Targets: no error, p95 page time at most 1 s, everyone in their room within 60 s. The same
request pattern against /healthz (no database) runs first as the baseline. Prints a table and
exits non-zero when a target is missed. Only 127.0.0.1 is contacted; every loop is bounded."""

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import fresh_database, server_env, start_servers, summary  # noqa: E402
from tests.servers import ROOT, free_port, manage, stop  # noqa: E402

TARGET_P95 = 1.0
TARGET_WINDOW = 60.0
REQUEST_TIMEOUT = 30


def prepare(env: dict, participants: int) -> list[str]:
    """Create the event, form the groups and start the break-out phase; nobody is checked in."""
    manage(env, "migrate", "--noinput")
    demo = json.loads(manage(env, "demo_event", "--json", "--participants", str(participants)))
    code = f"""
import django; django.setup()
from django.utils import timezone
from groups.allocator_input import solve_event
from groups.models import Allocation
from groups.services import allocation_apply, phase_start
from sessions_app.models import Event, Participant
event = Event.objects.get(slug={demo["event"]!r})
Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
outcome = solve_event(event=event, seed=1, time_limit=30)
allocation = Allocation.objects.create(event=event, seed=1, report=outcome.report)
allocation_apply(allocation=allocation, plans=outcome.plans)
phase_start(event=event, phase=event.phases.get(kind="breakout"))
Participant.objects.filter(event=event).update(checked_in_at=None)
"""
    import subprocess

    prep_env = {**env, "DJANGO_SETTINGS_MODULE": "wetheinternet.settings"}
    prep_env.pop("REDIS_URL")  # no live clients yet: notifications stay in-process
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=prep_env, check=True, timeout=600)
    return [p["join_url"] for p in demo["people"] if p["role"] == "participant"]


async def one_participant(session_factory, base: str, join_url: str, start_at: float, baseline: bool):
    import aiohttp

    records = []
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with session_factory(timeout=timeout) as session:

        async def timed(kind, method, url, expect, **kwargs):
            started = time.monotonic()
            try:
                async with session.request(method, url, allow_redirects=False, **kwargs) as response:
                    body = await response.text()
                    ok = response.status == expect[0] and (len(expect) < 2 or expect[1] in body)
                    records.append((kind, time.monotonic() - started, ok, response.status))
                    return response, body
            except (TimeoutError, aiohttp.ClientError) as exc:
                records.append((kind, time.monotonic() - started, False, type(exc).__name__))
                return None, ""

        if baseline:
            for kind in ("join", "lobby", "check-in", "room"):
                await timed(kind, "GET", f"{base}/healthz", (200, "ok"))
            return records, time.monotonic()
        response, _ = await timed("join", "GET", join_url, (302,))
        if response is None:
            return records, time.monotonic()
        lobby = base + response.headers.get("Location", "/")
        await timed("lobby", "GET", lobby, (200, 'data-view="room"'))
        token = next((c.value for c in session.cookie_jar if c.key == "csrftoken"), "")
        await timed(
            "check-in",
            "POST",
            lobby + "check-in/",
            (302,),
            data={"csrfmiddlewaretoken": token},
            headers={"X-CSRFToken": token, "Referer": lobby},
        )
        await timed("room", "GET", lobby, (200, 'data-view="room"'))
    return records, time.monotonic()


def client_process(args):
    base, urls, t0_offset, ramp, total, offset, stride, baseline = args

    async def main():
        import aiohttp

        start = time.monotonic() + t0_offset
        connector_factory = lambda **kw: aiohttp.ClientSession(  # noqa: E731
            cookie_jar=aiohttp.CookieJar(unsafe=True), **kw
        )
        tasks = [
            one_participant(connector_factory, base, url, start + ramp * (offset + stride * i) / total, baseline)
            for i, url in enumerate(urls)
        ]
        results = await asyncio.gather(*tasks)
        return [r for records, _ in results for r in records], max(end for _, end in results) - start

    return asyncio.run(main())


def storm(base: str, urls: list[str], ramp: float, processes: int, baseline: bool):
    chunks = [urls[i::processes] for i in range(processes)]
    total = len(urls)
    # Each process starts its share spread over the ramp, interleaved with the others.
    jobs = [(base, chunk, 2.0, ramp, total, k, processes, baseline) for k, chunk in enumerate(chunks)]
    started = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        outputs = pool.map(client_process, jobs)
    wall = time.monotonic() - started
    records = [r for out, _ in outputs for r in out]
    window = max(span for _, span in outputs)
    return records, wall, window


def report(name: str, records, wall: float, window: float) -> dict:
    rows = {}
    for kind in ("join", "lobby", "check-in", "room"):
        times = [t for k, t, _ok, _s in records if k == kind]
        rows[kind] = summary(times)
    all_times = [t for _k, t, _ok, _s in records]
    errors = [(k, s) for k, _t, ok, s in records if not ok]
    result = {
        "name": name,
        "requests": len(records),
        "errors": len(errors),
        "rps": len(records) / wall,
        "window_s": window,
        "all": summary(all_times),
        "pages": rows,
        "error_samples": errors[:5],
    }
    print(
        f"\n{name}: {len(records)} requests, {len(errors)} errors, {result['rps']:.0f} req/s, "
        f"last room opened {window:.1f} s after the start"
    )
    print(f"  {'page':<10}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, row in list(rows.items()) + [("all", result["all"])]:
        print(
            f"  {kind:<10}{row['n']:>7}{row['p50'] * 1000:>9.0f}{row['p95'] * 1000:>9.0f}"
            f"{row['p99'] * 1000:>9.0f}{row['max'] * 1000:>9.0f}"
        )
    if errors:
        print("  first errors:", errors[:5])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--ramp", type=float, default=45.0, help="seconds over which people arrive")
    parser.add_argument("--processes", type=int, default=1, help="client processes")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wti_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    if not 1 <= args.participants <= 5000 or not 0 < args.ramp <= 120:
        parser.error("--participants must be 1..5000 and --ramp 0..120 s")

    port = free_port()
    env = server_env(args.database_url, args.redis_url, port)
    print(f"preparing {args.participants} participants in {args.database_url} ...", flush=True)
    fresh_database(args.database_url)
    urls = prepare(env, args.participants)
    servers = start_servers(env, port, ROOT / "bench" / "join_storm.server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        baseline = report("baseline (/healthz, same pattern)", *storm(base, urls, args.ramp, args.processes, True))
        result = report("join storm", *storm(base, urls, args.ramp, args.processes, False))
    finally:
        stop(servers)
    missed = []
    if result["errors"]:
        missed.append(f"{result['errors']} errors")
    if result["all"]["p95"] > TARGET_P95:
        missed.append(f"p95 {result['all']['p95'] * 1000:.0f} ms > {TARGET_P95 * 1000:.0f} ms")
    if result["window_s"] > TARGET_WINDOW:
        missed.append(f"last room opened after {result['window_s']:.0f} s > {TARGET_WINDOW:.0f} s")
    ratio = result["all"]["p95"] / baseline["all"]["p95"] if baseline["all"]["p95"] > 0 else float("nan")
    print(f"\np95 ratio to baseline: {ratio:.1f}x")
    print("targets:", "met" if not missed else "MISSED: " + "; ".join(missed))
    if args.json:
        Path(args.json).write_text(json.dumps({"baseline": baseline, "storm": result, "missed": missed}, indent=2))
    return 1 if missed else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
