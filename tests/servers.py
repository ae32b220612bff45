"""Real processes for the tests that are about them: free ports, waiting for a server, the
test database's URL for another process, and a Celery worker."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float) -> None:
    """Wait until a local server answers, or raise after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def subprocess_database_url() -> str:
    """The URL of the PostgreSQL test database, for a server or worker process the test starts."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_celery_worker(
    env: dict | None = None, *, name: str = "test", queue: str | None = None, output=subprocess.DEVNULL
) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "wetheinternet",
        "worker",
        "--pool=solo",
        "--loglevel=warning",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        "-n",
        f"{name}@%h",
    ]
    if queue:
        command += ["-Q", queue]
    return subprocess.Popen(command, cwd=ROOT, env=env or dict(os.environ), stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen | None, seconds: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)


def start_uvicorn(
    env: dict, port: int, *, workers: int = 1, output=subprocess.DEVNULL, wait_seconds: float = 60
) -> subprocess.Popen:
    """The product's ASGI server on 127.0.0.1:port, once it answers its health check."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "wetheinternet.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws",
            "websockets-sansio",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", wait_seconds)
    except OSError:
        stop(process)
        raise
    return process
