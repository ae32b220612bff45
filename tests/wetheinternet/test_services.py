"""The real servers: a task through Redis to a worker process, messages across the Redis channel layer."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from tests.servers import start_celery_worker, stop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process():
    """A real worker process on its own queue, so that no other worker can take the test's task."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = start_celery_worker(queue=queue, output=subprocess.PIPE)
    yield queue, process
    stop(process)


@pytest.mark.celery_worker
def test_a_task_goes_through_redis_to_a_worker_process(celery_worker_process):
    from wetheinternet.celery import app
    from wetheinternet.tasks import worker_identity

    queue, process = celery_worker_process
    assert not app.conf.task_always_eager
    assert app.conf.broker_url.startswith("redis://")
    token = uuid.uuid4().hex
    result = worker_identity.apply_async(args=[token], queue=queue)
    try:
        answer = result.get(timeout=60)
    except Exception as exc:
        process.terminate()
        raise AssertionError(f"{exc!r}\n" + process.communicate(timeout=10)[0].decode()[-2000:]) from None
    assert answer["token"] == token
    assert answer["pid"] not in (os.getpid(), None)
    assert answer["pid"] == process.pid


@pytest.mark.celery_worker
def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    from wetheinternet.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_message_crosses_the_redis_channel_layer_between_two_consumers(event):
    from wetheinternet.asgi import application

    layer = get_channel_layer()
    assert type(layer).__module__.startswith("channels_redis")
    path = f"/ws/events/{event.slug}/plenary/{event.plenary_token}/"
    screens = [WebsocketCommunicator(application, path, headers=[(b"origin", b"http://localhost")]) for _ in range(2)]
    for screen in screens:
        assert (await screen.connect())[0]
        await screen.receive_json_from()
    from results.streams import plenary_group_name

    payload = {"type": "plenary.snapshot", "version": 7, "marker": uuid.uuid4().hex}
    await layer.group_send(plenary_group_name(event.pk), {"type": "stream.update", "payload": payload})
    for screen in screens:
        assert await screen.receive_json_from(timeout=5) == payload
        await screen.disconnect()


def test_settings_follow_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='wetheinternet.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER)"
    )
    plain = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=plain, capture_output=True, text=True, timeout=60
    ).stdout.split()
    assert out == ["django.db.backends.sqlite3", "channels.layers.InMemoryChannelLayer", "True"]
    services = {**plain, "DATABASE_URL": "postgres://u@db:5432/x", "REDIS_URL": "redis://r:6379/0"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=services, capture_output=True, text=True, timeout=60
    ).stdout.split()
    assert out == ["django.db.backends.postgresql", "channels_redis.pubsub.RedisPubSubChannelLayer", "False"]
