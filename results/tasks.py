"""The results' background tasks: the plenary's coalesced broadcast."""

from celery import shared_task

from results.streams import BROADCAST_TASK, plenary_broadcast


@shared_task(name=BROADCAST_TASK)
def plenary_broadcast_task(event_id: int) -> int | None:
    """Send the plenary's new state; sending twice is harmless (the screens keep the newest version)."""
    snapshot = plenary_broadcast(event_id=event_id)
    return snapshot["version"] if snapshot else None
