"""The one place that starts the real processes tests and benchmarks run against: the ASGI server
(uvicorn), a Celery worker, a throwaway redis-server, manage.py; with free ports, waiting for a
server to answer, stopping a process, and the test database's URL for another process.

Benchmarks run as `python bench/x.py` from the repository root and import this module too."""

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


def wait_http(url: str, seconds: float, process: subprocess.Popen | None = None) -> None:
    """Wait until a local server answers, or raise OSError after `seconds` or once `process` has exited."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            if process is not None and process.poll() is not None:
                raise ChildProcessError(f"the server exited with code {process.returncode}") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def wait_port(port: int, seconds: float) -> None:
    """Wait until something listens on 127.0.0.1:port, or raise OSError after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def subprocess_database_url() -> str:
    """The URL of the PostgreSQL test database, for a server or worker process the test starts."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start(command: list[str], env: dict | None = None, *, output=subprocess.DEVNULL) -> subprocess.Popen:
    """A process from the repository root. `output` is a file, a pipe constant, or a path to write the log to."""
    env = env or dict(os.environ)
    if isinstance(output, str | Path):
        with open(output, "w") as log:  # the process keeps its own copy of the file
            return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen | None, seconds: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=seconds)


def start_server(command: list[str], env: dict, port: int, *, output=subprocess.DEVNULL, wait_seconds: float = 60):
    """A web server on 127.0.0.1:port, once it answers its health check (stopped again if it never does)."""
    process = start(command, env, output=output)
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", wait_seconds, process)
    except OSError:
        stop(process)
        raise
    return process


def start_uvicorn(
    env: dict,
    port: int,
    *,
    workers: int = 1,
    quiet: bool = False,
    output=subprocess.DEVNULL,
    wait_seconds: float = 60,
) -> subprocess.Popen:
    """The product's ASGI server on 127.0.0.1:port, once it answers its health check.
    `quiet` leaves out the access log and everything below warnings (the benchmarks' load)."""
    command = [
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
    ]
    if quiet:
        command += ["--no-access-log", "--log-level", "warning"]
    return start_server(command, env, port, output=output, wait_seconds=wait_seconds)


def start_celery_worker(
    env: dict | None = None,
    *,
    name: str = "test",
    queue: str | None = None,
    output=subprocess.DEVNULL,
    wait_seconds: float | None = None,
) -> subprocess.Popen:
    """A Celery worker (solo pool) named `name`@host. With `wait_seconds`, returns once it answers a
    ping, and raises RuntimeError (having stopped it) if it does not in that time."""
    node = f"{name}@{socket.gethostname()}"
    command = [sys.executable, "-m", "celery", "-A", "wetheinternet", "worker", "--pool=solo", "--loglevel=warning"]
    command += ["--without-heartbeat", "--without-mingle", "--without-gossip", "-n", node]
    if queue:
        command += ["-Q", queue]
    process = start(command, env, output=output)
    if wait_seconds is not None:
        ping = [sys.executable, "-m", "celery", "-A", "wetheinternet", "inspect", "ping", "-d", node, "--timeout", "2"]
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline and process.poll() is None:
            if subprocess.run(ping, cwd=ROOT, env=env, capture_output=True, timeout=60).returncode == 0:
                return process
            time.sleep(1)
        stop(process)
        raise RuntimeError(f"the Celery worker {node} did not answer within {wait_seconds:.0f} s")
    return process


def start_redis(port: int, workdir: Path, seconds: float = 10) -> subprocess.Popen:
    """A redis-server of its own on 127.0.0.1:port that saves nothing, once it accepts connections."""
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = start([*command, "--dir", str(workdir)])
    try:
        wait_port(port, seconds)
    except OSError:
        stop(process)
        raise RuntimeError("redis-server did not start") from None
    return process


def manage(env: dict, *args: str, timeout: float = 600) -> str:
    """Run manage.py with `env`; its output."""
    command = [sys.executable, "manage.py", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=timeout)
    return done.stdout


def start_turnserver(port: int, secret: str, workdir: Path, seconds: float = 10) -> subprocess.Popen:
    """coturn's turnserver on 127.0.0.1:port with time-limited credentials only (use-auth-secret,
    `secret` as its static-auth-secret), relaying between local browsers; its log in workdir."""
    command = [
        "turnserver", "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", f"--listening-port={port}",
        f"--min-port={port + 1}", f"--max-port={port + 200}", "--use-auth-secret", f"--static-auth-secret={secret}",
        "--realm=localhost", "--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls", "--fingerprint",
        f"--pidfile={workdir / 'turnserver.pid'}", "--log-file=stdout", "--simple-log",
    ]  # fmt: skip
    process = start(command, output=workdir / "turnserver.log")
    try:
        wait_port(port, seconds)
    except OSError:
        stop(process)
        raise RuntimeError("turnserver did not start: " + (workdir / "turnserver.log").read_text()[-2000:]) from None
    return process
