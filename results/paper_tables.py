"""Paper tables: the groups of a site whose people sit at tables with paper ballots, unregistered.

The organiser creates them as the event's current grouping (a run of the "paper" algorithm), and
enters each table's tallies from a spreadsheet (``results.paper_tallies``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import streams as groups_streams
from groups.models import Allocation, BreakoutGroup
from results.answers import COUNT_MAX
from results.models import NoteRevision
from results.selectors import PAPER_ALGORITHM
from results.services import ResultsRefused
from sessions_app.models import Event, Session

PAPER_TABLES_MAX = 500
# People per table when the organiser does not say: a World Wide Views table seats 5 to 8.
PAPER_TABLE_SIZE_DEFAULT = 10
# The most people at one table: no count of a table may be more (see group_answer_limit).
PAPER_TABLE_SIZE_MAX = COUNT_MAX


class PaperTablesRefused(ResultsRefused):
    """Paper tables cannot be created now; the message says why."""


def paper_groups(event: Event) -> list[BreakoutGroup]:
    """The groups a paper file refers to: the current grouping's first round, by number."""
    return list(BreakoutGroup.objects.filter(event=event, allocation__is_current=True, round=1).order_by("number"))


@transaction.atomic
def paper_groups_create(
    *, event: Event, count: int, table_size: int = PAPER_TABLE_SIZE_DEFAULT, user=None
) -> Allocation:
    """Make ``count`` empty groups, “Table 1” to “Table N”, the event's current grouping.

    For a site whose people sit at tables with paper ballots and are not registered: the
    grouping is recorded as a run of the “paper” algorithm, with ``table_size``, the most people
    at one table (1 to PAPER_TABLE_SIZE_MAX): no count of a table may be more. Refused when the event
    already has a current grouping with groups (form or import results into those)."""
    if not 1 <= count <= PAPER_TABLES_MAX:
        raise PaperTablesRefused(_("Create 1 to %(max)s tables.") % {"max": PAPER_TABLES_MAX})
    if isinstance(table_size, bool) or not isinstance(table_size, int) or not 1 <= table_size <= PAPER_TABLE_SIZE_MAX:
        raise PaperTablesRefused(_("A table seats 1 to %(max)s people.") % {"max": f"{PAPER_TABLE_SIZE_MAX:,}"})
    Event.objects.select_for_update().filter(pk=event.pk).first()  # one grouping change at a time
    if BreakoutGroup.objects.filter(event=event, allocation__is_current=True).exists():
        raise PaperTablesRefused(_("This event already has groups: enter the tallies of those groups."))
    now = timezone.now()
    Allocation.objects.filter(event=event, is_current=True).update(is_current=False)
    allocation = Allocation.objects.create(
        event=event,
        status=Allocation.Status.SUCCEEDED,
        is_current=True,
        seed=0,
        algorithm_version=PAPER_ALGORITHM,
        parameters={"paper_tables": count, "table_size": table_size},
        progress=1.0,
        created_by=user if user is not None and user.is_authenticated else None,
        finished_at=now,
    )
    BreakoutGroup.objects.bulk_create(
        BreakoutGroup(event=event, allocation=allocation, number=n, name=_("Table %(number)s") % {"number": n}, round=1)
        for n in range(1, count + 1)
    )
    groups_streams.event_changed(event)
    return allocation


def paper_groups_status(*, event: Event, session: Session) -> list[dict]:
    """Each paper group with its latest revision for the session: ``{"group", "revision", "at"}``."""
    groups = paper_groups(event)
    latest: dict[int, tuple[int, object]] = {}
    revisions = NoteRevision.objects.filter(submission__session=session, submission__group__in=groups).values_list(
        "submission__group_id", "number", "created_at"
    )
    for group_id, number, created_at in revisions:
        if number > latest.get(group_id, (0, None))[0]:
            latest[group_id] = (number, created_at)
    return [
        {"group": group, "revision": latest.get(group.pk, (None, None))[0], "at": latest.get(group.pk, (None, None))[1]}
        for group in groups
    ]
