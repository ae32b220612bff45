"""Redis restarted while plenary screens are open: nothing is lost from PostgreSQL, and every
screen reaches the latest figures within 10 s of Redis being back."""

import asyncio
import json
import os
import shutil
import threading
import time
import urllib.request
import uuid

import pytest

from results.models import NoteRevision, PlenarySettings
from results.services import api_token_create
from tests.factories import make_groups, make_questionnaire
from tests.servers import free_port, start_celery_worker, start_redis, start_uvicorn, stop, subprocess_database_url

SCREENS = 5
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class Screens:
    """Plenary screens as the page runs them: keep the newest snapshot, ask again every 5 s."""

    def __init__(self, url: str, origin: str, count: int):
        self.url, self.origin, self.count = url, origin, count
        self.latest: list[dict | None] = [None] * count
        self.stop = False
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self.thread.start()

    async def _screen(self, index: int):
        from websockets.asyncio.client import connect

        while not self.stop:
            try:
                async with connect(self.url, origin=self.origin, open_timeout=5) as ws:

                    async def ask_again(ws=ws):
                        while True:
                            await asyncio.sleep(5 + index * 0.3)
                            await ws.send(json.dumps({"type": "refresh"}))

                    asker = asyncio.create_task(ask_again())
                    try:
                        while not self.stop:
                            try:
                                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=0.5))
                            except TimeoutError:
                                continue
                            current = self.latest[index]
                            if message.get("type") == "plenary.snapshot" and (
                                current is None or message["version"] >= current["version"]
                            ):
                                self.latest[index] = message
                    finally:
                        asker.cancel()
            except OSError:
                await asyncio.sleep(0.5)  # the server restarts: reconnect

    async def _run(self):
        await asyncio.gather(*(self._screen(i) for i in range(self.count)))

    def submitted(self) -> list:
        return [s["groups_submitted"] if s else None for s in self.latest]

    def wait_all(self, groups_submitted: int, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.submitted() == [groups_submitted] * self.count:
                return True
            time.sleep(0.1)
        return False


def submit(base: str, event, group, key: str) -> int:
    body = json.dumps(
        {"idempotency_key": str(uuid.uuid4()), "data": {"answers": {"q1": {"counts": {"opportunity": 1}, "valid": 1}}}}
    ).encode()
    request = urllib.request.Request(
        f"{base}/api/events/{event.slug}/groups/{group.pk}/sessions/digital-public-sphere/results/",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status


@pytest.mark.skipif(
    shutil.which("redis-server") is None and os.environ.get("CI") != "true", reason="redis-server is not installed"
)
def test_screens_catch_up_after_redis_restarts(event, tmp_path):
    make_questionnaire(event)
    groups = make_groups(event, 3)
    PlenarySettings.objects.create(event=event, results_visible=True)
    _token, key = api_token_create(event=event, name="fault test")

    redis_port, port = free_port(), free_port()
    redis = start_redis(redis_port, tmp_path)
    env = {
        **os.environ,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DEBUG": "0",
        "SECRET_KEY": "fault-test-" + "k" * 50,
        "DATABASE_URL": subprocess_database_url(),
    }
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    server = start_uvicorn(env, port, workers=2, output=log)
    worker = start_celery_worker(env, output=log)
    base = f"http://127.0.0.1:{port}"
    screens = None
    try:
        screens = Screens(f"ws://127.0.0.1:{port}/ws/events/{event.slug}/plenary/{event.plenary_token}/", base, SCREENS)
        assert screens.wait_all(0, 30), screens.submitted()
        assert submit(base, event, groups[0], key) == 201
        assert screens.wait_all(1, 10), f"before the restart: {screens.submitted()}"

        redis.terminate()
        redis.wait(timeout=10)
        assert submit(base, event, groups[1], key) == 201  # Redis down: the database takes it
        assert submit(base, event, groups[2], key) == 201
        assert NoteRevision.objects.filter(submission__group__event=event).count() == 3

        redis = start_redis(redis_port, tmp_path)
        back = time.monotonic()
        assert screens.wait_all(3, 10), f"10 s after Redis came back: {screens.submitted()}"
        caught_up = time.monotonic() - back
        print(f"screens caught up {caught_up:.1f} s after Redis came back")
    finally:
        if screens is not None:
            screens.stop = True
            screens.thread.join(timeout=10)
        for process in (worker, server, redis):
            stop(process)
        log.close()
