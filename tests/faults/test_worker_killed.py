"""A Celery worker killed in the middle of an allocation: the task is delivered again and
exactly one allocation is applied."""

import os
import signal
import time

import pytest
from django.utils import timezone

from groups.allocation_runs import allocation_request
from groups.models import Allocation, BreakoutGroup, GroupMembership
from sessions_app.demo import demo_event_create
from sessions_app.models import Participant
from tests.servers import start_celery_worker, stop, subprocess_database_url

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_worker_s_allocation_is_delivered_again_and_applied_once(organiser):
    from wetheinternet.celery import app

    app.control.purge()  # tasks left in the queue by earlier runs must not stand in front
    event = demo_event_create(start=timezone.now(), participants=5_000, seed=1).event
    Participant.objects.filter(event=event).update(checked_in_at=timezone.now())
    env = {**os.environ, "CELERY_VISIBILITY_TIMEOUT": "5", "DATABASE_URL": subprocess_database_url()}
    first = start_celery_worker(env, name="first")
    second = None
    try:
        run = allocation_request(event=event, user=organiser, seed=11, time_limit=60)
        running = lambda: Allocation.objects.get(pk=run.pk).status == "running"  # noqa: E731
        assert wait_for(running, 120), "the first worker never started the run"
        time.sleep(0.5)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert Allocation.objects.get(pk=run.pk).status == "running", "the run ended before the worker was killed"
        second = start_celery_worker(env, name="second")
        done = lambda: Allocation.objects.get(pk=run.pk).status in ("succeeded", "failed")  # noqa: E731
        assert wait_for(done, 240), "the run was not delivered again"
        run.refresh_from_db()
        assert run.status == "succeeded" and run.is_current
        assert Allocation.objects.filter(event=event).count() == 1
        assert BreakoutGroup.objects.filter(event=event).count() == 1000
        seats = GroupMembership.objects.filter(allocation=run)
        assert seats.filter(role="participant").count() == 5_000
        assert seats.count() == seats.values("participant").distinct().count()
    finally:
        stop(first)
        stop(second)
