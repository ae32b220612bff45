"""Redis down when an organiser forms groups: the request answers at once with a clear
message, no run is left waiting, and a new attempt works as soon as Redis is back."""

import http.cookiejar
import json
import os
import shutil
import time
import urllib.parse
import urllib.request

import pytest
from django.utils import timezone

from groups.models import Allocation
from sessions_app.demo import demo_event_create
from sessions_app.models import Participant
from tests.servers import free_port, start_redis, start_uvicorn, stop, subprocess_database_url

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Browser:
    """Cookies and CSRF as a browser keeps them."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, fields: dict, accept: str = "text/html"):
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"Referer": self.base + path, "X-CSRFToken": self.csrf(), "Accept": accept},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.mark.skipif(
    shutil.which("redis-server") is None and os.environ.get("CI") != "true", reason="redis-server is not installed"
)
def test_forming_groups_with_redis_down_answers_clearly_and_leaves_nothing_stuck(tmp_path):
    demo = demo_event_create(start=timezone.now(), participants=12, seed=4)
    event = demo.event
    Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
    redis_port, port = free_port(), free_port()
    redis = start_redis(redis_port, tmp_path)
    env = {
        **os.environ,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DEBUG": "0",
        "SECRET_KEY": "queue-test-" + "k" * 40,
        "DATABASE_URL": subprocess_database_url(),
        "ALLOCATOR_WARM_UP": "0",
    }
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = start_uvicorn(env, port, output=log)
    base = f"http://127.0.0.1:{port}"
    try:
        browser = Browser(base)
        page = browser.get("/accounts/login/")
        assert "csrfmiddlewaretoken" in page
        status, _ = browser.post(
            "/accounts/login/", {"login": demo.organiser_email, "password": demo.organiser_password}
        )
        assert status == 200
        action = f"/events/{event.slug}/control/allocation/"

        redis.terminate()
        redis.wait(timeout=10)
        started = time.monotonic()
        status, body = browser.post(action, {"seed": "1"}, accept="application/json")
        took = time.monotonic() - started
        answer = json.loads(body)
        assert status == 400 and not answer["ok"], body
        assert "task queue could not be reached" in answer["message"]
        assert took < 10, f"the refusal took {took:.1f} s"
        assert not Allocation.objects.filter(event=event, status__in=["pending", "running"]).exists()

        redis = start_redis(redis_port, tmp_path)
        status, body = browser.post(action, {"seed": "2"}, accept="application/json")
        assert status == 200 and json.loads(body)["ok"], body
        queued = Allocation.objects.get(event=event, seed=2)
        assert queued.status == "pending"  # queued in Redis for a worker
    finally:
        stop(server)
        stop(redis)
        log.close()
