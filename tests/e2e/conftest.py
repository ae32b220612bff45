"""Browser tests: the real ASGI server (uvicorn) in its own process, on a fresh SQLite file,
driven through Playwright in Debian's Chromium."""

import json
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port, manage, start_uvicorn, stop

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


class Product:
    """A fresh SQLite database for the product, and the command to run manage.py on it."""

    def __init__(self, workdir: Path, **settings: str):
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update({"DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}", "SITE_URL": self.base, **settings})

    @classmethod
    def migrated(cls, workdir: Path, **settings: str) -> "Product":
        product = cls(workdir, **settings)
        product.manage("migrate", "--noinput")
        return product

    def manage(self, *args: str) -> str:
        return manage(self.env, *args, timeout=300)

    def demo_event(self, *args: str) -> dict:
        """``manage.py demo_event --json`` with ``args``: the demo's people, links and sign-ins."""
        return json.loads(self.manage("demo_event", "--json", *args))

    @contextmanager
    def served(self, log_name: str):
        """uvicorn on the database while the block runs; its log is kept in test-artifacts/."""
        log = open(self.workdir / "server.log", "w")  # noqa: SIM115
        try:
            server = start_uvicorn(self.env, self.port, output=log)
        except OSError:
            raise RuntimeError((self.workdir / "server.log").read_text()[-3000:]) from None
        try:
            yield self.base
        finally:
            stop(server)
            log.close()
            ARTIFACTS.mkdir(exist_ok=True)
            shutil.copy(self.workdir / "server.log", ARTIFACTS / log_name)


@pytest.fixture(scope="module")
def live_product(tmp_path_factory):
    """Migrate a fresh database, create the demo event, serve it; yields (base URL, demo JSON)."""
    product = Product.migrated(tmp_path_factory.mktemp("e2e"), DEBUG="1", JOIN_RATE_LIMIT="1000/60")
    demo = product.demo_event("--participants", "10", "--seed", "5")
    with product.served("e2e-server.log") as base:
        yield base, demo


def check_in_quietly(request_context, join_url):
    """People outside the browsers also check in (with the same link and form as everyone)."""
    response = request_context.get(join_url)
    assert response.ok
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text()).group(1)
    lobby = response.url
    response = request_context.post(
        lobby + "check-in/", form={"csrfmiddlewaretoken": token}, headers={"Referer": lobby}
    )
    assert response.ok


def sign_in(page, base_url: str, user: str, password: str) -> None:
    """Sign in on the sign-in page as `user` (an email address) and wait until it lets us through.
    Enter in the password field submits the form: the header's language switch is a button too."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
