"""Shared pieces of the load tools: a fresh PostgreSQL database, the servers' environment, the
two-process ASGI server (started by tests/servers.py, like every real process), and percentiles.
Everything runs on this machine (127.0.0.1) and stops by itself."""

import os
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

from tests.servers import start_uvicorn


def fresh_database(database_url: str) -> None:
    """Drop and create the benchmark's own database (never the product's)."""
    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    if not name.startswith("wti_bench"):
        raise SystemExit(f"refusing to recreate {name!r}: benchmark databases are named wti_bench*")
    admin = parsed._replace(path="/postgres").geturl()
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", admin, "-q", "-c", sql], check=True, capture_output=True)


def server_env(database_url: str, redis_url: str, port: int) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_servers(env: dict, port: int, log: Path) -> subprocess.Popen:
    """`uvicorn --workers 2`: two ASGI processes on one port, sharing PostgreSQL and Redis, logging
    warnings only into `log`; the run stops if they do not start."""
    try:
        return start_uvicorn(env, port, workers=2, quiet=True, output=log)
    except OSError:
        raise SystemExit(f"the ASGI servers did not start (see {log})") from None


def percentile(values, p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values) -> dict:
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values) if values else float("nan"),
        "mean": statistics.fmean(values) if values else float("nan"),
    }


def timings(function, runs: int, before=None) -> list[float]:
    """Milliseconds of ``runs`` calls after one warm-up call; ``before`` runs untimed before each."""
    function()
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def print_timings(title: str, rows: dict[str, list[float]]) -> None:
    """A table of median, p95 and max per row, in milliseconds."""
    print(f"\n{title}")
    print(f"  {'':<40}{'median':>8}{'p95':>8}{'max':>8}")
    for name, times in rows.items():
        ordered = sorted(times)
        print(
            f"  {name:<40}{statistics.median(times):>8.1f}{ordered[int(0.95 * (len(ordered) - 1))]:>8.1f}"
            f"{ordered[-1]:>8.1f}"
        )


def django_on_fresh_database(database_url: str) -> None:
    """Recreate the benchmark's database, set Django up on it in this process and migrate.

    No REDIS_URL: what the build writes notifies nobody, tasks and cache stay in-process."""
    fresh_database(database_url)
    os.environ.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "wetheinternet.settings"})
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def query_counts(calls: dict) -> dict[str, int]:
    """How many queries each call makes: ``{name: callable}`` -> ``{name: count}``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        counts[name] = len(captured.captured_queries)
    return counts


def snapshot_verdict(times: list[float], target_ms: float, queries: dict[str, int], grows_with: str) -> int:
    """Print the query counts and whether the median and the constant query count are met; the exit code."""
    print("  queries:", ", ".join(f"{k}: {v}" for k, v in queries.items()))
    median = statistics.median(times)
    missed = []
    if median > target_ms:
        missed.append(f"median {median:.1f} ms > {target_ms:.0f} ms")
    if len(set(queries.values())) != 1:
        missed.append(f"queries depend on the number of {grows_with}: {queries}")
    print("targets:", "met" if not missed else "MISSED: " + "; ".join(missed))
    return 1 if missed else 0
