"""Plenary fan-out: N websocket clients in separate processes watch one event's plenary, served by
two ASGI processes sharing Redis (channels-redis pub/sub) and PostgreSQL, with a real Celery
worker sending the (coalesced) broadcasts. A driver submits group results over the token API.

    python bench/plenary_fanout.py [--clients 500,2000,5000] [--submissions 20] [--churn]
        [--database-url postgres://postgres@127.0.0.1:5432/wti_bench_fanout]
        [--redis-url redis://127.0.0.1:6379/2] [--py-spy DIR]

For client c and submission k the latency is the first receipt of a message with
groups_submitted >= k minus the time the driver got the HTTP answer of submission k (the commit
happened before); one clock, one machine. Every client must end on the final version (the newest
PlenarySettings.version, whose message has groups_submitted == submissions). The same clients
against a plain `websockets` broadcast server (bench/baseline_broadcast.py) give the baseline.
`--churn` repeats the 2,000-client run while clients drop and reconnect at random.

Target: 2,000 clients, p95 at most 500 ms, no client left on an old version (other sizes and
the churn latency are reported). Prints a table and exits non-zero when a target is missed.
Only 127.0.0.1 is contacted; every loop is bounded, and the whole run stops after --timeout."""

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import fanout_client  # noqa: E402
from bench.common import fresh_database, server_env, start_servers, summary  # noqa: E402
from tests.servers import ROOT, free_port, manage, start_celery_worker, stop  # noqa: E402

TARGET_CLIENTS = 2000
TARGET_P95 = 0.5
CHURN_CLIENTS = 2000
SETTLE = 10.0  # seconds after the last submission for every client to reach the final version
QUIET = 1.0  # the final version is the one unchanged for this long (> live.MIN_INTERVAL)
DATA = {
    "answers": {
        "q1": {"counts": {"opportunity": 3, "threat": 1, "both": 1}, "valid": 5},
        "q4": {"ranking": ["education", "design", "regulation", "fact-checking"]},
        "q5": {"text": "Benchmark group: key points."},
    }
}
LOGS = ROOT / "bench"

PREP = """
import json
import django
django.setup()
from django.utils import timezone
from groups.allocator_input import solve_event
from groups.models import Allocation, BreakoutGroup
from groups.services import allocation_apply
from results.models import PlenarySettings
from results.services import api_token_create
from sessions_app.demo import demo_event_create
from sessions_app.models import Participant, Session
events = []
for run in range({runs}):
    event = demo_event_create(start=timezone.now(), participants={participants}, seed=run).event
    Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
    outcome = solve_event(event=event, seed=1, time_limit=10)
    allocation = Allocation.objects.create(event=event, seed=1, report=outcome.report)
    allocation_apply(allocation=allocation, plans=outcome.plans)
    PlenarySettings.objects.update_or_create(event=event, defaults={{"results_visible": True}})
    _token, key = api_token_create(event=event, name="fan-out benchmark")
    groups = BreakoutGroup.objects.filter(event=event, allocation__is_current=True).order_by("round", "number")
    session = Session.objects.filter(event=event).order_by("order").first()
    events.append({{"id": event.pk, "slug": event.slug, "token": event.plenary_token, "key": key,
                   "groups": list(groups.values_list("pk", flat=True)), "session": session.code}})
print("FANOUT-EVENTS " + json.dumps(events))
"""


class Timeout(Exception):
    pass


def prepare(env: dict, runs: int, submissions: int) -> list[dict]:
    """One fresh event per run (so each starts from 0), groups formed, results shown, a token.
    The keys and plenary tokens stay in this process: nothing secret is printed."""
    manage(env, "migrate", "--noinput")
    prep_env = {**env, "DJANGO_SETTINGS_MODULE": "wetheinternet.settings"}
    prep_env.pop("REDIS_URL")  # nobody watches yet: notifications stay in-process
    participants = max(30, submissions * 6)  # groups of 5: enough groups for every submission
    out = subprocess.run(
        [sys.executable, "-c", PREP.format(runs=runs, participants=participants)],
        cwd=ROOT,
        env=prep_env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("FANOUT-EVENTS "))
    events = json.loads(line.split(" ", 1)[1])
    for event in events:
        if len(event["groups"]) < submissions:
            raise SystemExit(f"only {len(event['groups'])} groups for {submissions} submissions")
    return events


def psql_value(database_url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", database_url, "-qtA", "-c", sql], check=True, capture_output=True, text=True, timeout=30
    ).stdout.strip()


# --- One run: N clients, a publisher, the figures -------------------------------------------


def run_clients(name: str, url: str, origin: str, n: int, args, publish, final_version, churn: bool = False) -> dict:
    """Connect n clients, publish args.submissions updates, wait for the final version, stop."""
    ctx = multiprocessing.get_context("spawn")
    processes = max(1, min(args.processes, n))
    shared = {
        "stop": ctx.Event(),
        "churn": ctx.Event(),
        "final": ctx.Value("i", 0),
        "ready": ctx.Array("i", processes),
        "at_final": ctx.Array("i", processes),
        "out": ctx.Queue(),
    }
    connect_wait = n / min(args.connect_rate, 50) + 60
    deadline = time.time() + connect_wait + args.submissions * args.spacing + SETTLE + 120
    workers = []
    for k in range(processes):
        config = {
            "index": k,
            "processes": processes,
            "count": n // processes + (1 if k < n % processes else 0),
            "url": url,
            "origin": origin,
            "connect_rate": args.connect_rate,
            "max_pending": args.max_pending,
            "churn_rate": args.churn_rate if churn else 0.0,
            "churn_max": args.churn_max if churn else 0,
            "deadline": deadline,
        }
        workers.append(ctx.Process(target=fanout_client.main, args=(config, shared), daemon=True))
    outputs = []
    started = time.monotonic()
    profiler = None
    try:
        for worker in workers:
            worker.start()
        print(f"\n{name}: connecting {n} clients ...", flush=True)
        limit = time.monotonic() + connect_wait
        while sum(shared["ready"]) < n and time.monotonic() < limit:
            if not any(w.is_alive() for w in workers):
                break
            time.sleep(0.2)
        connected = sum(shared["ready"])
        connect_s = time.monotonic() - started
        print(f"  {connected}/{n} clients hold the first snapshot after {connect_s:.1f} s", flush=True)
        time.sleep(1.0)  # let the connection handshakes settle
        if args.py_spy and profile_this(name, n):
            profiler = start_profiler(name, n, args)
        if churn:
            shared["churn"].set()
        commits = []
        next_at = time.monotonic()
        for k in range(1, args.submissions + 1):
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += args.spacing
            commits.append(publish(k))
        shared["churn"].clear()
        last = time.time()
        final = final_version()
        shared["final"].value = final
        while sum(shared["at_final"]) < n and time.time() < last + SETTLE:
            time.sleep(0.1)
        settled_s = time.time() - last
        shared["stop"].set()
        for _ in workers:
            outputs.append(shared["out"].get(timeout=120))
        for worker in workers:
            worker.join(timeout=30)
    finally:
        shared["stop"].set()
        for spy in profiler or []:
            try:
                spy.wait(timeout=args.submissions * args.spacing + 60)
            except subprocess.TimeoutExpired:
                stop(spy)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=10)
    return figures(name, n, outputs, commits, final, args.submissions, connected, connect_s, settled_s)


def figures(name, n, outputs, commits, final, submissions, connected, connect_s, settled_s) -> dict:
    logs = [log for _k, process_logs, _stats in sorted(outputs, key=lambda o: o[0]) for log in process_logs]
    stats: dict = {}
    for _k, _logs, process_stats in outputs:
        for key, value in process_stats.items():
            stats[key] = max(stats.get(key, 0), value) if key.startswith("max_") else stats.get(key, 0) + value
    latencies, missing = [], 0
    for log in logs:
        for k, committed in enumerate(commits, start=1):
            received = next((t for t, _v, groups in log if groups >= k), None)
            if received is None:
                missing += 1
            else:
                latencies.append(received - committed)
    behind = sum(1 for log in logs if not log or max(v for _t, v, _g in log) < final)
    final_groups = {g for log in logs for _t, v, g in log if v == final}
    result = {
        "name": name,
        "clients": n,
        "connected": connected,
        "connect_s": round(connect_s, 1),
        "messages": sum(len(log) for log in logs),
        "final_version": final,
        "final_groups_submitted": sorted(final_groups),
        "final_ok": final_groups == {submissions},
        "behind": behind,
        "missing_pairs": missing,
        "settled_s": round(settled_s, 2),
        "latency": summary(latencies),
        **stats,
    }
    row = result["latency"]
    print(
        f"  {n} clients: p50 {row['p50'] * 1000:.0f} ms, p95 {row['p95'] * 1000:.0f} ms, "
        f"p99 {row['p99'] * 1000:.0f} ms, max {row['max'] * 1000:.0f} ms over {row['n']} (client, submission) pairs; "
        f"{behind} behind the final version {final} (groups_submitted {sorted(final_groups)}), "
        f"{missing} pairs never seen; all on the final version {settled_s:.1f} s after the last submission; "
        f"{stats}",
        flush=True,
    )
    return result


# --- The product and the baseline -------------------------------------------------------------


def product_run(event: dict, n: int, args, port: int, churn: bool = False) -> dict:
    base = f"http://127.0.0.1:{port}"

    def publish(k: int) -> float:
        group = event["groups"][k - 1]
        request = urllib.request.Request(  # noqa: S310 (127.0.0.1 only)
            f"{base}/api/events/{event['slug']}/groups/{group}/sessions/{event['session']}/results/",
            data=json.dumps({"idempotency_key": str(uuid.uuid4()), "data": DATA}).encode(),
            headers={"Authorization": f"Bearer {event['key']}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
            if response.status != 201:
                raise SystemExit(f"submission {k} answered {response.status}")
        return time.time()

    def final_version() -> int:
        sql = f"SELECT version FROM results_plenarysettings WHERE event_id = {int(event['id'])}"  # noqa: S608
        value, since, limit = None, time.monotonic(), time.monotonic() + SETTLE
        while time.monotonic() < limit:
            now = psql_value(args.database_url, sql)
            if now != value:
                value, since = now, time.monotonic()
            elif time.monotonic() - since >= QUIET:
                break
            time.sleep(0.1)
        return int(value)

    url = f"ws://127.0.0.1:{port}/ws/events/{event['slug']}/plenary/{event['token']}/"
    name = f"product{' + churn' if churn else ''}, {n} clients"
    return run_clients(name, url, base, n, args, publish, final_version, churn=churn)


def baseline_run(n: int, args, port: int, size: int) -> dict:
    from websockets.sync.client import connect

    def message(k: int) -> str:
        body = {"type": "plenary.snapshot", "version": k + 1, "groups_submitted": k, "sent_at": time.time()}
        text = json.dumps({**body, "padding": ""})
        return json.dumps({**body, "padding": "x" * max(0, size - len(text))})

    with connect(f"ws://127.0.0.1:{port}/publish", open_timeout=10) as publisher:
        publisher.send(message(0))  # the snapshot new clients get on connect

        def publish(k: int) -> float:
            text = message(k)
            publisher.send(text)
            return json.loads(text)["sent_at"]

        return run_clients(
            f"baseline, {n} clients",
            f"ws://127.0.0.1:{port}/",
            f"http://127.0.0.1:{port}",
            n,
            args,
            publish,
            lambda: args.submissions + 1,
        )


# --- Profiling --------------------------------------------------------------------------------


PROFILED: dict = {}


def profile_this(name: str, n: int) -> bool:
    return name.startswith("product,") and n == TARGET_CLIENTS


def start_profiler(name: str, n: int, args) -> list:
    """py-spy on the uvicorn master (with its workers) and on the Celery worker, during the submissions."""
    out = Path(args.py_spy)
    out.mkdir(parents=True, exist_ok=True)
    duration = int(args.submissions * args.spacing + 4)
    spy = Path(sys.executable).parent / "py-spy"
    print(f"  py-spy records the servers and the Celery worker for {duration} s into {out}", flush=True)
    return [
        subprocess.Popen(
            [
                str(spy),
                "record",
                "-p",
                str(pid),
                "--subprocesses",
                "-d",
                str(duration),
                "-f",
                "raw",
                "-o",
                str(out / f"{label}-{n}.txt"),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for label, pid in (("uvicorn", PROFILED["uvicorn"]), ("celery", PROFILED["celery"]))
    ]


# --- Main -------------------------------------------------------------------------------------


def table(results: list[dict], baselines: dict) -> None:
    print(
        f"\n{'run':<34}{'conn':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}{'behind':>8}"
        f"{'missing':>9}{'base p95':>10}{'ratio':>7}"
    )
    for r in results:
        row = r["latency"]
        base = baselines.get(r["clients"]) if not r["name"].startswith("baseline") else None
        base_p95 = base["latency"]["p95"] if base else float("nan")
        ratio = row["p95"] / base_p95 if base and base_p95 > 0 else float("nan")
        print(
            f"{r['name']:<34}{r['connected']:>6}{row['p50'] * 1000:>8.0f}{row['p95'] * 1000:>8.0f}"
            f"{row['p99'] * 1000:>8.0f}{row['max'] * 1000:>8.0f}{r['behind']:>8}{r['missing_pairs']:>9}"
            f"{base_p95 * 1000:>10.0f}{ratio:>7.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="500,2000,5000", help="comma-separated client counts")
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--spacing", type=float, default=0.5, help="seconds between submissions")
    parser.add_argument("--churn", action="store_true", help="repeat the 2,000-client run with reconnects")
    parser.add_argument("--churn-clients", type=int, default=CHURN_CLIENTS, help="clients of the churn run")
    parser.add_argument("--churn-rate", type=float, default=0.03, help="drops per client per second")
    parser.add_argument("--churn-max", type=int, default=3, help="drops per client at most")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--connect-rate", type=float, default=200.0, help="new connections per second")
    parser.add_argument("--max-pending", type=int, default=16, help="handshakes in flight per client process")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/wti_bench_fanout")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--timeout", type=float, default=900.0, help="stop everything after this many seconds")
    parser.add_argument("--py-spy", help="profile the 2,000-client product run into this directory")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",") if c.strip()]
    if not counts or any(not 1 <= c <= 10000 for c in counts) or not 1 <= args.submissions <= 200:
        parser.error("--clients must be 1..10000 each and --submissions 1..200")
    if not 0 < args.spacing <= 10 or not 1 <= args.connect_rate <= 5000 or not 1 <= args.processes <= 16:
        parser.error("--spacing 0..10 s, --connect-rate 1..5000, --processes 1..16")

    def on_alarm(_signum, _frame):
        raise Timeout(f"the run took longer than {args.timeout:.0f} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.timeout))

    port = free_port()
    env = server_env(args.database_url, args.redis_url, port)
    churn_n = args.churn_clients
    runs = len(counts) + (1 if args.churn else 0)
    print(f"preparing {runs} events in {args.database_url} ...", flush=True)
    fresh_database(args.database_url)
    events = prepare(env, runs, args.submissions)
    results, baselines, product = [], {}, {}
    celery = servers = baseline = None
    try:
        celery_log = LOGS / "plenary_fanout.celery.log"
        try:
            celery = start_celery_worker(env, name=f"fanout-{port}", output=celery_log, wait_seconds=90)
        except RuntimeError:
            raise SystemExit(f"the Celery worker did not start (see {celery_log})") from None
        servers = start_servers(env, port, LOGS / "plenary_fanout.server.log")
        PROFILED.update(uvicorn=servers.pid, celery=celery.pid)
        baseline_port = free_port()
        baseline = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "bench" / "baseline_broadcast.py"),
                "--port",
                str(baseline_port),
                "--lifetime",
                str(args.timeout),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        if baseline.stdout.readline().strip() != "ready":
            raise SystemExit("the baseline server did not start")
        for run, n in enumerate(counts):
            result = product_run(events[run], n, args, port)
            results.append(result)
            product[n] = result
            size = result.get("max_message_bytes") or 4000
            baselines[n] = baseline_run(n, args, baseline_port, size)
            results.append(baselines[n])
        if args.churn:
            results.append(product_run(events[-1], churn_n, args, port, churn=True))
    except Timeout as exc:
        print(f"\nSTOPPED: {exc}", flush=True)
        results.append({"name": "timeout", "error": str(exc)})
    finally:
        signal.alarm(0)
        stop(baseline)
        stop(servers)
        stop(celery)

    finished = [r for r in results if "latency" in r]
    table(finished, baselines)
    missed = []
    if any("error" in r for r in results):
        missed.append("the run did not finish")
    for r in finished:
        if r["name"].startswith("baseline"):
            continue
        if r["behind"] or r["missing_pairs"] or not r["final_ok"]:
            missed.append(f"{r['name']}: {r['behind']} clients behind the final version")
        targeted = r["clients"] == TARGET_CLIENTS and not r["name"].startswith("product +")
        if targeted and r["latency"]["p95"] > TARGET_P95:
            missed.append(f"{r['name']}: p95 {r['latency']['p95'] * 1000:.0f} ms > {TARGET_P95 * 1000:.0f} ms")
    if TARGET_CLIENTS not in product:
        missed.append(f"no {TARGET_CLIENTS}-client run")
    for n, r in product.items():
        base = baselines[n]["latency"]["p95"]
        print(f"p95 ratio to the baseline at {n} clients: {r['latency']['p95'] / base:.1f}x" if base > 0 else "")
    print("targets:", "met" if not missed else "MISSED: " + "; ".join(missed))
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "missed": missed}, indent=2, default=str))
    return 1 if missed else 0


if __name__ == "__main__":
    os.chdir(ROOT)
    raise SystemExit(main())
