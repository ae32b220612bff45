"""From an event's people to the allocator's inputs, and from its result to groups to write."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from groups.allocation import api
from groups.allocation.core import allocate
from groups.allocation.problem import GroupSizes
from groups.allocation_plan import (
    fewer_groups_limits,
    first_language,
    people_sets,
    size_preference,
    staff_members,
    target_size,
)
from groups.services import GroupPlan
from sessions_app.models import DiversityAttribute, Event, Participant

ALGORITHM_VERSION = "ils-1"


@dataclass
class Outcome:
    plans: list[GroupPlan]
    report: dict
    parameters: dict
    algorithm_version: str = ALGORITHM_VERSION


def event_people(event: Event) -> tuple[list[Participant], list[Participant]]:
    """The checked-in participants, and the checked-in staff."""
    present = list(Participant.objects.filter(event=event, checked_in_at__isnull=False).order_by("pk"))
    return (
        [p for p in present if p.role == Participant.Role.PARTICIPANT],
        [p for p in present if p.role != Participant.Role.PARTICIPANT],
    )


def solve_event(*, event: Event, seed: int, time_limit: float, progress=None, fewer_groups: bool = False) -> Outcome:
    """Allocate the event's checked-in participants into diverse groups with their staff.

    Any head count forms groups; staff go where they fit, and groups left without a
    facilitator or note taker are named in the report. With `fewer_groups`, fewer, larger
    groups are formed so that every group has a facilitator (when the facilitators allow it).
    Ordered categories (e.g. age bands) count by how far apart they are; other attributes
    count when they differ. Raises ValueError with a message for people."""
    participants, staff = event_people(event)
    if not participants:
        raise ValueError(_("Nobody is checked in yet: there is no one to put in groups."))
    attributes = list(event.diversity_attributes.all())
    records = []
    for person in participants:
        record = {"id": person.pk, "language": first_language(person)}
        for attribute in attributes:
            value = person.attributes.get(attribute.key, "")
            if attribute.kind == DiversityAttribute.Kind.ORDINAL:
                choices = attribute.choice_list
                value = choices.index(value) if value in choices else ""
            record[attribute.key] = value
        records.append(record)
    specs = [
        {
            "name": a.key,
            "weight": a.weight,
            "kind": "numeric" if a.kind == DiversityAttribute.Kind.ORDINAL else "categorical",
        }
        for a in attributes
    ]
    keep_together = ["language"] if event.keep_language_together else []
    staff_pool = staff_members(event, staff)
    limits = fewer_groups_limits(event, people_sets(event, participants), staff_pool) if fewer_groups else None
    rounding = "up" if size_preference(event) == "larger" else "down"
    problem = api.build_problem(
        records,
        specs,
        keep_together=keep_together,
        staff=staff_pool,
        sizes=GroupSizes(size=target_size(event), rounding=rounding),
        allow_volunteer_note_takers=event.allow_volunteer_note_takers,
        group_limits={(lang,) if keep_together else (): n for lang, n in (limits or {}).items()},
    )
    result = allocate(problem, seed=seed, time_limit=time_limit, progress=progress)
    plans = []
    for index, members in enumerate(result.members()):
        key = result.group_keys[index] if result.group_keys else ()
        note_taker = _as_int(result.note_takers.get(index))
        plans.append(
            GroupPlan(
                # A participant who volunteers as note taker sits in the group as its note taker.
                participants=[problem.ids[i] for i in members if problem.ids[i] != note_taker],
                facilitator=_as_int(result.facilitators.get(index)),
                note_taker=note_taker,
                language=key[0] if keep_together and key else "",
            )
        )
    parameters = {
        "group_size": target_size(event),
        "rounding": rounding,
        "keep_together": keep_together,
        "attributes": specs,
        "allow_volunteer_note_takers": event.allow_volunteer_note_takers,
        "fewer_groups": bool(limits),
    }
    report = _jsonable(result.report)
    # Group numbers as the organiser sees them (Group 1, Group 2, ...).
    missing = report.get("missing_staff") or {"facilitator": [], "note_taker": []}
    report["groups_without_facilitator"] = [k + 1 for k in missing["facilitator"]]
    report["groups_without_note_taker"] = [k + 1 for k in missing["note_taker"]]
    report["groups_of_unplanned_size"] = [k + 1 for k in report.get("groups_off_target", [])]
    report["groups_with_volunteer_note_taker"] = [k + 1 for k in result.volunteer_note_takers]
    return Outcome(plans=plans, report=report, parameters=parameters)


def _as_int(value):
    return None if value is None else int(value)


def _jsonable(value):
    """The report as plain JSON types (numpy numbers become floats and ints)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value
