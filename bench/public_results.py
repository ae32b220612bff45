"""Public results page under load: a dialogue of 100 events x 100 participants (20 groups each)
x 30 questions with every group's results in, public, every partner opted in; readers hammer
/public/dialogues/<slug>/ on two ASGI processes sharing PostgreSQL and Redis.

    python bench/public_results.py [--events 100] [--questions 30] [--concurrency 16,64,128]
        [--seconds 20] [--database-url postgres://postgres@127.0.0.1:5432/wti_bench_public]
        [--redis-url redis://127.0.0.1:6379/9]

At each concurrency the readers run for --seconds; the same pattern against /healthz on the same
servers is the baseline. During each public run a group's results are submitted again through
the API (one more person answering q1) and a separate reader measures the freshness: the time
from the API's answer until the page shows the new N. Targets: at least 200 requests/s, no
error, freshness at most 5 s. Prints a table; exits non-zero when a target is missed. Only
127.0.0.1 is contacted; every loop is bounded."""

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import django_on_fresh_database, server_env, start_servers, summary  # noqa: E402
from bench.dialogue_data import build_dialogue  # noqa: E402
from tests.servers import ROOT, free_port, stop  # noqa: E402

TARGET_RPS = 200.0
TARGET_FRESH = 5.0
REQUEST_TIMEOUT = 30
N_PATTERN = re.compile(r'id="q-s1-q1".*?N = (\d+)', re.S)


# --- The dialogue ----------------------------------------------------------------------------


def build(events: int, participants: int, groups: int, questions: int) -> dict:
    """The dialogue, its events, people, groups and results; what the load run needs."""
    from results.services import api_token_create

    built = build_dialogue(events=events, groups=groups, questions=questions, participants=participants, public=True)
    event, group, data = built["last"]
    _token, key = api_token_create(event=event, name="public results bench")
    return {"dialogue": built["dialogue"], "event": event.slug, "group": group.pk, "key": key, "data": data}


def snapshot_cost(dialogue) -> tuple[float, int, int]:
    """Seconds to build the public snapshot, its number of scopes and of figures."""
    from dialogues.results import global_snapshot

    global_snapshot(dialogue, public=True)
    started = time.perf_counter()
    snapshot = global_snapshot(dialogue, public=True)
    seconds = time.perf_counter() - started
    figures = sum(len(q["figures"]) for s in snapshot["sessions"] for q in s["questions"])
    return seconds, len(snapshot["scopes"]), figures


# --- Readers ---------------------------------------------------------------------------------


def reader_process(args):
    url, workers, seconds, marker = args

    async def main():
        import aiohttp

        records = []
        deadline = time.monotonic() + seconds
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

            async def reader():
                while time.monotonic() < deadline:
                    started = time.monotonic()
                    try:
                        async with session.get(url) as response:
                            body = await response.text()
                            ok = response.status == 200 and marker in body
                            records.append((time.monotonic() - started, ok, response.status))
                    except (TimeoutError, aiohttp.ClientError) as exc:
                        records.append((time.monotonic() - started, False, type(exc).__name__))

            await asyncio.gather(*(reader() for _ in range(workers)))
        return records

    return asyncio.run(main())


async def freshness(base: str, slug: str, setup: dict, expected_n: int, seconds: float) -> float | None:
    """Submit the group's results again with one more person answering q1, then read the page
    every 50 ms until it shows the new N: the seconds from the API's answer to that page."""
    import aiohttp

    data = json.loads(json.dumps(setup["data"]))
    q1 = data["answers"]["q1"]
    q1["valid"] += 1
    q1["counts"][next(iter(q1["counts"]))] += 1
    setup["data"] = data
    headers = {"Authorization": f"Bearer {setup['key']}"}
    url = f"{base}/api/events/{setup['event']}/groups/{setup['group']}/sessions/s1/results/"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)) as session:
        async with session.post(url, json={"idempotency_key": str(uuid.uuid4()), "data": data}, headers=headers) as r:
            if r.status != 201:
                raise SystemExit(f"the API refused the submission: {r.status} {await r.text()}")
        submitted = time.monotonic()
        while time.monotonic() - submitted < seconds:
            async with session.get(f"{base}/public/dialogues/{slug}/") as response:
                found = N_PATTERN.search(await response.text())
            if found and int(found.group(1)) == expected_n:
                return time.monotonic() - submitted
            await asyncio.sleep(0.05)
    return None


def load(url: str, concurrency: int, seconds: float, processes: int, marker: str, probe=None) -> dict:
    processes = max(1, min(processes, concurrency))
    shares = [concurrency // processes + (1 if k < concurrency % processes else 0) for k in range(processes)]
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        started = time.monotonic()
        pending = pool.map_async(reader_process, [(url, n, seconds, marker) for n in shares])
        fresh = None
        if probe is not None:
            time.sleep(min(5.0, seconds / 4))  # under full load
            fresh = asyncio.run(probe())
        outputs = pending.get(timeout=seconds + REQUEST_TIMEOUT + 60)
        wall = time.monotonic() - started
    records = [r for out in outputs for r in out]
    times = [t for t, ok, _s in records if ok]
    errors = [s for _t, ok, s in records if not ok]
    return {
        "concurrency": concurrency,
        "requests": len(records),
        "errors": len(errors),
        "error_samples": errors[:5],
        "rps": len(times) / min(wall, seconds + 1),
        "latency": summary(times),
        "fresh_s": fresh,
    }


def row(name: str, result: dict) -> str:
    lat = result["latency"]
    fresh = "" if result["fresh_s"] is None else f"{result['fresh_s']:.2f}"
    return (
        f"  {name:<28}{result['concurrency']:>6}{result['requests']:>10}{result['errors']:>8}{result['rps']:>9.0f}"
        f"{lat['p50'] * 1000:>9.1f}{lat['p95'] * 1000:>9.1f}{lat['p99'] * 1000:>9.1f}{fresh:>9}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--participants", type=int, default=100, help="per event")
    parser.add_argument("--groups", type=int, default=20, help="per event")
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--concurrency", default="16,64,128", help="readers at once, one run each")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each run")
    parser.add_argument("--processes", type=int, default=2, help="client processes")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wti_bench_public")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    if not (
        1 <= args.events <= 500
        and 1 <= args.groups <= args.participants <= 500
        and 1 <= args.questions <= 100
        and levels
        and all(1 <= c <= 1000 for c in levels)
        and 1 <= args.seconds <= 120
        and 1 <= args.processes <= 16
    ):
        parser.error(
            "--events 1..500, --groups <= --participants <= 500, --questions 1..100, "
            "--concurrency 1..1000 each, --seconds 1..120, --processes 1..16"
        )

    print(f"building {args.events} events x {args.participants} people x {args.questions} questions ...", flush=True)
    django_on_fresh_database(args.database_url)
    started = time.monotonic()
    setup = build(args.events, args.participants, args.groups, args.questions)
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)
    build_s, scopes, figures = snapshot_cost(setup["dialogue"])
    slug = setup["dialogue"].slug
    world_n = args.events * (args.participants // args.groups) * args.groups
    from django.db import connections

    connections.close_all()

    port = free_port()
    env = server_env(args.database_url, args.redis_url, port)
    env["CACHE_PREFIX"] = f"bench-public-{uuid.uuid4().hex[:8]}"  # nothing from an earlier run
    servers = start_servers(env, port, ROOT / "bench" / "public_results.server.log")
    base = f"http://127.0.0.1:{port}"
    page = f"{base}/public/dialogues/{slug}/"
    results = {"baseline": [], "public": []}
    try:
        import urllib.request

        with urllib.request.urlopen(page, timeout=60) as response:  # noqa: S310 - our own local server
            body = response.read().decode()
        found = N_PATTERN.search(body)
        if not found or int(found.group(1)) != world_n:
            raise SystemExit(f"the page does not show N = {world_n} for q1: {found and found.group(1)}")
        page_kb = len(body.encode()) / 1024
        for concurrency in levels:
            results["baseline"].append(load(f"{base}/healthz", concurrency, args.seconds, args.processes, "ok"))
            world_n += 1
            expected = world_n

            def probe(expected=expected):
                return freshness(base, slug, setup, expected, 30.0)

            results["public"].append(load(page, concurrency, args.seconds, args.processes, 'id="q-s1-q1"', probe))
    finally:
        stop(servers)

    print(
        f"\npublic snapshot: {scopes} scopes, {figures} figures, built in {build_s * 1000:.0f} ms; "
        f"page {page_kb:.0f} kB; 2 uvicorn processes, {args.seconds:.0f} s per run"
    )
    print(
        f"  {'target':<28}{'conc.':>6}{'requests':>10}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'fresh s':>9}"
    )
    for result in results["baseline"]:
        print(row("/healthz (baseline)", result))
    for result in results["public"]:
        print(row(f"/public/dialogues/{slug}/", result))
    best = max(r["rps"] for r in results["public"])
    missed = []
    if best < TARGET_RPS:
        missed.append(f"best {best:.0f} req/s < {TARGET_RPS:.0f}")
    errors = sum(r["errors"] for r in results["public"])
    if errors:
        samples = [s for r in results["public"] for s in r["error_samples"]][:5]
        missed.append(f"{errors} errors ({samples})")
    stale = [r["fresh_s"] for r in results["public"]]
    if any(s is None or s > TARGET_FRESH for s in stale):
        missed.append(f"freshness {stale} s (target <= {TARGET_FRESH:.0f} s)")
    print("targets:", "met" if not missed else "MISSED: " + "; ".join(missed))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"snapshot_ms": build_s * 1000, "page_kb": page_kb, **results, "missed": missed}, indent=2)
        )
    return 1 if missed else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
