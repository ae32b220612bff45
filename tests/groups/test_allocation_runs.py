"""Allocation runs in the product: from checked-in people to groups with their staff."""

import os
import subprocess

import pytest
from django.utils import timezone

from groups.allocation_runs import allocation_request, allocation_run
from groups.models import Allocation, BreakoutGroup, GroupMembership
from groups.services import LiveActionRefused
from sessions_app.demo import demo_event_create
from sessions_app.models import Participant
from tests.servers import start_celery_worker, stop, subprocess_database_url


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Ask for a run and let it go to the (eager) task queue as it would on commit."""

    def request(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            allocation = allocation_request(**kwargs)
        allocation.refresh_from_db()
        return allocation

    return request


def checked_in_demo(participants=20, staff_checked_in=True):
    demo = demo_event_create(start=timezone.now(), participants=participants, seed=3)
    people = Participant.objects.filter(event=demo.event)
    if not staff_checked_in:
        people = people.filter(role="participant")
    people.update(checked_in_at=timezone.now())
    return demo.event


@pytest.mark.django_db
def test_a_run_forms_diverse_groups_each_with_a_facilitator_and_a_note_taker(organiser, run):
    event = checked_in_demo(20)
    allocation = run(event=event, user=organiser, seed=42, time_limit=5)
    allocation.refresh_from_db()
    assert allocation.status == "succeeded" and allocation.is_current
    assert allocation.seed == 42 and allocation.duration_seconds > 0 and allocation.progress == 1
    report = allocation.report
    assert report["constraint_violations"] == 0
    assert report["score"] >= report["random_score"]
    assert 0 < report["percent_of_upper_bound"] <= 100
    groups = BreakoutGroup.objects.filter(allocation=allocation)
    assert groups.count() == 4
    for group in groups:
        roles = sorted(group.memberships.values_list("role", flat=True))
        assert roles.count("facilitator") == 1 and roles.count("note_taker") == 1
        assert roles.count("participant") == 5
    seated = GroupMembership.objects.filter(allocation=allocation, role="participant")
    assert seated.count() == 20 and seated.values("participant").distinct().count() == 20


@pytest.mark.django_db
def test_same_seed_same_groups_and_rerun_changes_nothing(organiser, run):
    event = checked_in_demo(20)
    first = run(event=event, user=organiser, seed=7, time_limit=5)
    groups_of = lambda a: sorted(  # noqa: E731
        sorted(g.memberships.filter(role="participant").values_list("participant_id", flat=True))
        for g in a.groups.all()
    )
    before = groups_of(first)
    allocation_run(run_id=str(first.run_id))  # delivered twice: nothing changes
    assert groups_of(first) == before and GroupMembership.objects.count() == 28
    second = run(event=event, user=organiser, seed=7, time_limit=5)
    assert groups_of(second) == before
    first.refresh_from_db()
    assert not first.is_current and second.is_current


@pytest.mark.django_db
def test_a_staff_shortage_still_forms_the_groups_and_names_the_gaps(organiser, run):
    event = checked_in_demo(10)
    Participant.objects.filter(event=event, role="facilitator").update(checked_in_at=None)
    allocation = run(event=event, user=organiser, seed=2, time_limit=5)
    assert allocation.status == "succeeded" and allocation.is_current
    assert allocation.groups.count() == 2
    assert allocation.report["groups_without_facilitator"] == [1, 2]
    assert allocation.report["groups_without_note_taker"] == []
    assert not GroupMembership.objects.filter(allocation=allocation, role="facilitator").exists()
    seated = GroupMembership.objects.filter(allocation=allocation, role="participant")
    assert seated.count() == 10


@pytest.mark.django_db
def test_a_failed_run_says_why_and_keeps_the_groups(organiser, run, django_capture_on_commit_callbacks):
    event = checked_in_demo(10)
    good = run(event=event, user=organiser, seed=1, time_limit=5)
    with django_capture_on_commit_callbacks(execute=True):
        bad = allocation_request(event=event, user=organiser, seed=2, time_limit=5)
        # Everyone leaves between the click and the run.
        Participant.objects.filter(event=event).update(checked_in_at=None)
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == "failed" and "Nobody is checked in" in bad.error
    assert good.is_current and good.groups.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("checked_in", [0, 1])
def test_nobody_or_one_person_is_refused_before_anything_is_queued(organiser, checked_in):
    event = demo_event_create(start=timezone.now(), participants=5).event
    ids = Participant.objects.filter(event=event, role="participant").values_list("pk", flat=True)[:checked_in]
    Participant.objects.filter(pk__in=list(ids)).update(checked_in_at=timezone.now())
    with pytest.raises(LiveActionRefused) as refused:
        allocation_request(event=event, user=organiser)
    assert refused.value.link.startswith("/admin/") and "_" not in str(refused.value).replace("'", "")
    assert not Allocation.objects.filter(event=event).exists()


@pytest.mark.django_db
def test_one_run_at_a_time_but_a_stale_run_never_blocks(organiser):
    event = checked_in_demo(5)
    busy = Allocation.objects.create(event=event, seed=1, status="running", parameters={"time_limit": 10})
    with pytest.raises(LiveActionRefused, match="being formed"):
        allocation_request(event=event, user=organiser)
    Allocation.objects.filter(pk=busy.pk).update(created_at=timezone.now() - timezone.timedelta(seconds=71))
    fresh = allocation_request(event=event, user=organiser)
    busy.refresh_from_db()
    assert busy.status == "failed" and fresh.status in ("pending", "succeeded")


@pytest.mark.django_db
def test_a_cancelled_run_is_never_applied(organiser, django_capture_on_commit_callbacks):
    from groups.allocation_runs import allocation_cancel

    event = checked_in_demo(10)
    run = Allocation.objects.create(event=event, seed=1, status="pending", parameters={"time_limit": 5})
    allocation_cancel(event=event, allocation=run)
    assert allocation_run(run_id=str(run.run_id)).status == "cancelled"
    assert not BreakoutGroup.objects.filter(event=event).exists()
    with pytest.raises(LiveActionRefused, match="already finished"):
        allocation_cancel(event=event, allocation=run)


@pytest.mark.celery_worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_allocation_from_redis(organiser):
    from wetheinternet.celery import app

    event = checked_in_demo(15)
    worker = start_celery_worker({**os.environ, "DATABASE_URL": subprocess_database_url()}, output=subprocess.PIPE)
    assert not app.conf.task_always_eager
    try:
        run = allocation_request(event=event, user=organiser, seed=5, time_limit=5)
        import time

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status in ("succeeded", "failed"):
                break
            time.sleep(0.5)
        assert run.status == "succeeded", run.error or worker.stdout.peek(2000)
        assert run.is_current and run.groups.count() == 3
    finally:
        stop(worker)
