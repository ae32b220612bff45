"""Allocation runs: ask for one, run it (in Celery), apply its groups.

A run is idempotent: it is identified by its run id, its seed is recorded, and running or
applying it again changes nothing once its groups are written. A failed run leaves the
event's current groups as they were."""

import logging
import secrets
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import live
from groups.allocation_input import solve_event
from groups.models import Allocation
from groups.services import LiveActionRefused, allocation_apply
from sessions_app.models import Event
from wetheinternet.broadcast import send_on_commit

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL_SECONDS = 0.3


@transaction.atomic
def allocation_request(*, event: Event, user, seed: int | None = None, time_limit: float = 10.0) -> Allocation:
    """Record a run and queue it once committed."""
    from groups.tasks import allocation_run_task

    if Allocation.objects.filter(
        event=event,
        status__in=[Allocation.Status.PENDING, Allocation.Status.RUNNING],
        created_at__gte=timezone.now() - timezone.timedelta(minutes=10),
    ).exists():
        raise LiveActionRefused(_("An allocation is already running for this event."))
    allocation = Allocation.objects.create(
        event=event,
        created_by=user if user and user.is_authenticated else None,
        seed=secrets.randbelow(2**31) if seed is None else seed,
        parameters={"time_limit": time_limit},
    )
    live.control_changed(event)
    allocation_run_task.delay_on_commit(str(allocation.run_id))
    return allocation


def _progress_sender(allocation: Allocation):
    last = [0.0]

    def progress(fraction: float, best_score: float) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL_SECONDS and fraction < 1:
            return
        last[0] = now
        fraction = min(max(float(fraction), 0.0), 1.0)
        Allocation.objects.filter(pk=allocation.pk).update(progress=fraction)
        payload = {
            "type": "allocation.progress",
            "allocation": allocation.pk,
            "progress": round(fraction, 3),
            "best_score": round(float(best_score), 3),
        }
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        # Outside any transaction: progress is a hint, the database row holds the truth.
        async_to_sync(get_channel_layer().group_send)(
            live.control_group(allocation.event_id), {"type": "stream.update", "payload": payload}
        )

    return progress


def allocation_run(*, run_id: str) -> Allocation | None:
    """Run the allocator for a recorded run and apply its groups; safe to call again."""
    allocation = Allocation.objects.select_related("event").filter(run_id=run_id).first()
    if allocation is None:
        logger.warning("Allocation run %s no longer exists; nothing to do.", run_id)
        return None
    if allocation.status in (Allocation.Status.SUCCEEDED, Allocation.Status.FAILED):
        return allocation
    Allocation.objects.filter(pk=allocation.pk).update(status=Allocation.Status.RUNNING, progress=0)
    event = allocation.event
    started = time.monotonic()
    try:
        outcome = solve_event(
            event=event,
            seed=allocation.seed,
            time_limit=allocation.parameters.get("time_limit", 10.0),
            progress=_progress_sender(allocation),
        )
    except ValueError as exc:  # the allocator's infeasible requests and bad inputs say what is wrong
        Allocation.objects.filter(pk=allocation.pk).update(
            status=Allocation.Status.FAILED,
            error=str(exc),
            finished_at=timezone.now(),
            duration_seconds=time.monotonic() - started,
        )
        with transaction.atomic():
            live.control_changed(event)
        allocation.refresh_from_db()
        return allocation
    with transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(
            report=outcome.report,
            score=outcome.report.get("score"),
            algorithm_version=outcome.algorithm_version,
            duration_seconds=time.monotonic() - started,
            progress=1,
            finished_at=timezone.now(),
            parameters={**allocation.parameters, **outcome.parameters},
        )
        allocation_apply(allocation=allocation, plans=outcome.plans)
        send_on_commit(live.control_group(event.pk), {"type": "allocation.done", "allocation": allocation.pk})
    allocation.refresh_from_db()
    return allocation
