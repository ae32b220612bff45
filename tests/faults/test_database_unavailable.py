"""PostgreSQL unreachable: pages answer 503 'temporarily unavailable', never a traceback."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_pages_answer_503_when_the_database_is_unreachable(tmp_path):
    port, dead_port = _free_port(), _free_port()  # nothing listens on dead_port
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"DATABASE_URL": f"postgres://postgres@127.0.0.1:{dead_port}/nothing", "DEBUG": "0"})
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "wetheinternet.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
                time.sleep(0.3)
        # Pages that need the database: an event, the plenary, and any page for a signed-in browser.
        for path, cookie in (
            ("/events/day-0/", ""),
            ("/events/day-0/plenary/x/", ""),
            ("/", "sessionid=abcdefghijklmnopqrstuvwxyz012345"),
            ("/admin/", "sessionid=abcdefghijklmnopqrstuvwxyz012345"),
        ):
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
            try:
                urllib.request.urlopen(request, timeout=30)  # noqa: S310
                raise AssertionError(f"{path} answered without its database")
            except urllib.error.HTTPError as error:
                body = error.read().decode()
                assert error.code == 503, (path, error.code, body[:500])
                assert "temporarily unavailable" in body and "Traceback" not in body
                assert error.headers["Retry-After"] == "10"
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()
