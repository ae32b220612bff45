"""Browser tests: the real ASGI server (uvicorn) in its own process, on a fresh SQLite file,
driven through Playwright in Debian's Chromium."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port, start_uvicorn, stop

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed") if IN_CI else pytest.skip("playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing") if IN_CI else pytest.skip(f"{CHROMIUM} is missing")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_product(tmp_path_factory):
    """Migrate a fresh database, create the demo event, serve it; yields (base URL, demo JSON)."""
    port = free_port()
    workdir = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "DEBUG": "1",
            "JOIN_RATE_LIMIT": "1000/60",
        }
    )

    def run(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )

    run("migrate", "--noinput")
    demo = json.loads(run("demo_event", "--json", "--participants", "10", "--seed", "5").stdout)
    log = open(workdir / "server.log", "w")  # noqa: SIM115
    try:
        server = start_uvicorn(env, port, output=log)
    except OSError:
        raise RuntimeError((workdir / "server.log").read_text()[-3000:]) from None
    yield f"http://127.0.0.1:{port}", demo
    stop(server)
    log.close()
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(workdir / "server.log", ARTIFACTS / "e2e-server.log")
