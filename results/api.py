"""What the JSON API reads: an event's results with its current groups, and the group and
session that a partner tool's submission is for. Who may call it is ``results.access``; the
schema is ``results.api_schema``."""

from groups.models import BreakoutGroup
from results import plenary_selectors, selectors
from sessions_app.models import Event, Session

# Ids beyond a bigint match nothing (and are never sent to the database).
MAX_ID = 2**63


def api_event_results(event: Event, *, weighting: str | None) -> dict:
    """The event's figures in ``weighting`` (else the plenary's), with its current groups under ``groups``."""
    results = selectors.event_results(
        event, weighting=weighting or plenary_selectors.plenary_settings_of(event).weighting
    )
    groups = BreakoutGroup.objects.filter(event=event, allocation__is_current=True).order_by("round", "number")
    results["groups"] = [{"id": g.pk, "number": g.number, "round": g.round, "name": str(g)} for g in groups]
    return results


def api_submission_target(
    *, event: Event, group_id: int, session_code: str
) -> tuple[BreakoutGroup | None, Session | None]:
    """The current group and the session a submission names, each None when the event has no such one."""
    group = (
        BreakoutGroup.objects.filter(pk=group_id, event=event, allocation__is_current=True).first()
        if group_id < MAX_ID
        else None
    )
    session = Session.objects.filter(event=event, code=session_code).first()
    return group, session
