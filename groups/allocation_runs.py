"""Allocation runs: ask for one, run it (in Celery), apply its groups.

A run is idempotent: it is identified by its run id, its seed is recorded, and running or
applying it again changes nothing once its groups are written. A failed run leaves the
event's current groups as they were."""

import logging
import secrets
import time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import streams
from groups.allocator_input import solve_event
from groups.models import Allocation
from groups.services import LiveActionRefused, allocation_apply
from infrastructure.tasks import task_named
from sessions_app.models import Event, Participant

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL_SECONDS = 0.3
# A run waiting or running longer than its time limit plus this never blocks a new one.
STALE_MARGIN_SECONDS = 60
ACTIVE = (Allocation.Status.PENDING, Allocation.Status.RUNNING)
RUN_TASK = "groups.allocation_run"  # groups.tasks.allocation_run_task, which calls allocation_run


def _stale_before(time_limit: float):
    return timezone.now() - timezone.timedelta(seconds=time_limit + STALE_MARGIN_SECONDS)


def allocation_refusal(event: Event) -> LiveActionRefused | None:
    """What makes forming groups impossible right now, in the organiser's words, or None."""
    checked_in = Participant.objects.filter(
        event=event, role=Participant.Role.PARTICIPANT, checked_in_at__isnull=False
    ).count()
    people = reverse("admin:sessions_app_participant_changelist") + f"?event__id__exact={event.pk}"
    if checked_in == 0:
        return LiveActionRefused(
            _("Nobody is checked in yet: people check in from their join link's page, or you can check them in."),
            link=people,
            link_label=_("People"),
        )
    if checked_in == 1:
        return LiveActionRefused(
            _("Only one participant is checked in: a group needs at least two people."),
            link=people,
            link_label=_("People"),
        )
    return None


def _queue(run_id: str) -> None:
    """Hand a committed run to the task queue; if the queue cannot be reached, fail the run
    at once (nothing was started) so that a new attempt works as soon as it is back."""
    try:
        # The run's outcome is in the database: no result backend to wait on.
        task_named(RUN_TASK).apply_async(args=[run_id], retry=False, ignore_result=True)
    except Exception as exc:  # the broker's connection errors vary with the transport
        logger.warning("Could not queue allocation run %s: %s", run_id, exc)
        if Allocation.objects.filter(run_id=run_id, status=Allocation.Status.PENDING).update(
            status=Allocation.Status.FAILED,
            error=_("The task queue could not be reached, so nothing was started. Try again in a moment."),
            finished_at=timezone.now(),
        ):
            with transaction.atomic():
                streams.control_changed(Event.objects.get(allocations__run_id=run_id))


@transaction.atomic
def allocation_request(
    *, event: Event, user, seed: int | None = None, time_limit: float = 10.0, fewer_groups: bool = False
) -> Allocation:
    """Record a run and queue it once committed.

    Refuses (LiveActionRefused) only what cannot work: nobody or one person checked in, or a
    run of this event still going. A run older than its time limit plus a margin is stale: it
    is marked failed and no longer blocks."""
    refusal = allocation_refusal(event)
    if refusal is not None:
        raise refusal
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one request at a time
    for run in Allocation.objects.filter(event=event, status__in=ACTIVE):
        if run.created_at < _stale_before(float(run.parameters.get("time_limit", time_limit))):
            Allocation.objects.filter(pk=run.pk, status__in=ACTIVE).update(
                status=Allocation.Status.FAILED,
                error=_("This run did not finish in time and was set aside."),
                finished_at=timezone.now(),
            )
        else:
            raise LiveActionRefused(
                _("Groups are being formed for this event already: wait for that run, or cancel it.")
            )
    allocation = Allocation.objects.create(
        event=event,
        created_by=user if user and user.is_authenticated else None,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        parameters={"time_limit": time_limit, "fewer_groups": bool(fewer_groups)},
    )
    streams.control_changed(event)
    run_id = str(allocation.run_id)
    transaction.on_commit(lambda: _queue(run_id))
    return allocation


@transaction.atomic
def allocation_cancel(*, event: Event, allocation: Allocation) -> Allocation:
    """Cancel a run that is waiting or running; its groups, if it finishes, are not applied."""
    if allocation.event_id != event.pk:
        raise LiveActionRefused(_("That run belongs to another event."))
    updated = Allocation.objects.filter(pk=allocation.pk, status__in=ACTIVE).update(
        status=Allocation.Status.CANCELLED, error=_("Cancelled by an organiser."), finished_at=timezone.now()
    )
    if not updated:
        raise LiveActionRefused(_("That run has already finished."))
    streams.control_changed(event)
    allocation.refresh_from_db()
    return allocation


def _progress_sender(allocation: Allocation):
    last = [0.0]
    reports = [0]

    def progress(fraction: float, best_score: float) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL_SECONDS and fraction < 1:
            return
        last[0] = now
        reports[0] += 1
        fraction = min(max(float(fraction), 0.0), 1.0)
        Allocation.objects.filter(pk=allocation.pk).update(progress=fraction)
        streams.allocation_progress(allocation, report=reports[0], fraction=fraction, best_score=best_score)

    return progress


def allocation_run(*, run_id: str) -> Allocation | None:
    """Run the allocator for a recorded run and apply its groups; safe to call again."""
    allocation = Allocation.objects.select_related("event").filter(run_id=run_id).first()
    if allocation is None:
        logger.warning("Allocation run %s no longer exists; nothing to do.", run_id)
        return None
    if allocation.status not in ACTIVE:
        return allocation
    if not Allocation.objects.filter(pk=allocation.pk, status__in=ACTIVE).update(
        status=Allocation.Status.RUNNING, progress=0
    ):
        return allocation  # cancelled in the meantime
    event = allocation.event
    started = time.monotonic()
    try:
        outcome = solve_event(
            event=event,
            seed=allocation.seed,
            time_limit=allocation.parameters.get("time_limit", 10.0),
            progress=_progress_sender(allocation),
            fewer_groups=bool(allocation.parameters.get("fewer_groups")),
        )
    except ValueError as exc:  # the allocator's infeasible requests and bad inputs say what is wrong
        Allocation.objects.filter(pk=allocation.pk, status__in=ACTIVE).update(
            status=Allocation.Status.FAILED,
            error=str(exc),
            finished_at=timezone.now(),
            duration_seconds=time.monotonic() - started,
        )
        with transaction.atomic():
            streams.control_changed(event)
        allocation.refresh_from_db()
        return allocation
    with transaction.atomic():
        if not Allocation.objects.select_for_update().filter(pk=allocation.pk, status__in=ACTIVE).exists():
            return Allocation.objects.get(pk=allocation.pk)  # cancelled or set aside while it ran
        Allocation.objects.filter(pk=allocation.pk).update(
            report=outcome.report,
            score=outcome.report.get("score"),
            algorithm_version=outcome.algorithm_version,
            duration_seconds=time.monotonic() - started,
            progress=1,
            finished_at=timezone.now(),
            parameters={**allocation.parameters, **outcome.parameters},
        )
        applied = allocation_apply(allocation=allocation, plans=outcome.plans)
        streams.allocation_done(applied.event, allocation)
    allocation.refresh_from_db()
    return allocation
