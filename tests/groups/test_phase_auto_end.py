"""A phase that ends by itself at its planned end (Event.auto_end_phases): the task is queued at the
phase's end, ends the phase only if the same run of it is still running and its end (extensions
included) has passed, and is idempotent; the control room offers the choice and says so."""

import os
import subprocess
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from groups import services
from groups.tasks import phase_auto_end_task
from sessions_app.models import Event, Phase
from tests.servers import start_celery_worker, stop, subprocess_database_url


@pytest.fixture
def phase(event):
    return Phase.objects.create(event=event, order=1, kind="plenary", title="Welcome", planned_minutes=10)


def _start(event, phase, capture):
    with capture(execute=True) as callbacks:
        services.phase_start(event=event, phase=phase)
    phase.refresh_from_db()
    return callbacks


def _due(phase, seconds=-1):
    Phase.objects.filter(pk=phase.pk).update(ends_at=timezone.now() + timedelta(seconds=seconds))


def _run(phase):
    return phase_auto_end_task.apply(args=[phase.pk, phase.started_at.isoformat()]).get()


@pytest.mark.django_db
def test_a_phase_is_ended_at_its_end_once(event, phase, django_capture_on_commit_callbacks):
    Event.objects.filter(pk=event.pk).update(auto_end_phases=True)
    event.refresh_from_db()
    callbacks = _start(event, phase, django_capture_on_commit_callbacks)
    assert callbacks, "the end was queued on commit"
    phase.refresh_from_db()
    assert phase.ended_at is None  # the eager task ran at once: not due yet
    _due(phase)
    assert _run(phase) == "ended"
    phase.refresh_from_db()
    assert phase.ended_at is not None and event.running_phase() is None
    ended_at = phase.ended_at
    assert _run(phase) == "stale"  # idempotent
    phase.refresh_from_db()
    assert phase.ended_at == ended_at


@pytest.mark.django_db
def test_an_extended_phase_is_not_ended_before_its_new_end(event, phase, django_capture_on_commit_callbacks):
    Event.objects.filter(pk=event.pk).update(auto_end_phases=True)
    event.refresh_from_db()
    _start(event, phase, django_capture_on_commit_callbacks)
    _due(phase)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.phase_extend(event=event, minutes=5)
    assert callbacks  # the new end is queued too
    phase.refresh_from_db()
    assert _run(phase) == "not_yet" and phase.ended_at is None


@pytest.mark.django_db
def test_another_run_of_the_phase_or_the_choice_turned_off_is_left_alone(
    event, phase, django_capture_on_commit_callbacks
):
    Event.objects.filter(pk=event.pk).update(auto_end_phases=True)
    event.refresh_from_db()
    _start(event, phase, django_capture_on_commit_callbacks)
    old_start = phase.started_at.isoformat()
    services.phase_start(event=event, phase=phase)  # started again: a new run
    phase.refresh_from_db()
    _due(phase)
    assert phase_auto_end_task.apply(args=[phase.pk, old_start]).get() == "stale"
    assert phase_auto_end_task.apply(args=[phase.pk, "not a time"]).get() == "stale"
    assert phase_auto_end_task.apply(args=[99999999, old_start]).get() == "stale"
    services.event_auto_end_set(event=event, enabled=False)
    assert _run(phase) == "stale"
    phase.refresh_from_db()
    assert phase.ended_at is None


@pytest.mark.django_db
def test_without_the_choice_nothing_is_queued(event, phase, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.phase_start(event=event, phase=phase)
    names = [getattr(c, "__qualname__", "") for c in callbacks]
    assert not any("_phase_auto_end_schedule" in name for name in names)


@pytest.mark.django_db
def test_the_control_room_offers_the_choice_and_says_it(client, organiser, event, phase):
    client.force_login(organiser)
    services.phase_start(event=event, phase=phase)
    url = f"/events/{event.slug}/control/auto-end/"
    response = client.post(url, {"auto_end": "on"}, headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json()["ok"]
    event.refresh_from_db()
    assert event.auto_end_phases
    page = client.get(f"/events/{event.slug}/control/").content.decode()
    assert 'id="auto-end-note"' in page and 'name="auto_end" id="id_auto_end" value="on" checked' in page
    client.post(url, {"auto_end": "on"})  # a second click changes nothing
    event.refresh_from_db()
    assert event.auto_end_phases
    response = client.post(url, {})
    assert response.status_code == 302
    event.refresh_from_db()
    assert not event.auto_end_phases
    assert 'id="auto-end-note"' not in client.get(f"/events/{event.slug}/control/").content.decode()


@pytest.mark.celery_worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_ends_the_phase_at_its_end_after_an_extension(event, phase):
    from wetheinternet.celery import app

    Event.objects.filter(pk=event.pk).update(auto_end_phases=True)
    event.refresh_from_db()
    worker = start_celery_worker({**os.environ, "DATABASE_URL": subprocess_database_url()}, output=subprocess.PIPE)
    assert not app.conf.task_always_eager
    try:
        services.phase_start(event=event, phase=phase)
        phase.refresh_from_db()
        # Due in 2 s, then (before that) moved 3 s later, as an extension does: the first task
        # finds it not due yet and asks again at the new end.
        _due(phase, seconds=2)
        phase.refresh_from_db()
        services._phase_auto_end_schedule(event, phase)  # outside a transaction: queued at once
        Phase.objects.filter(pk=phase.pk).update(ends_at=phase.ends_at + timedelta(seconds=3))
        time.sleep(3.5)
        phase.refresh_from_db()
        assert phase.ended_at is None, "not before its new end"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and phase.ended_at is None:
            time.sleep(0.5)
            phase.refresh_from_db()
        assert phase.ended_at is not None, worker.stdout.peek(2000)
        assert phase.ended_at >= phase.ends_at
    finally:
        stop(worker)
