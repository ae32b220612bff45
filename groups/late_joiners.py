"""Late joiners: people who check in after the grouping join an existing group, one below the
event's group size if there is one, where they add the most diversity, without moving anyone
already in a room."""

from django.db import transaction

from groups import streams
from groups.models import Allocation, BreakoutGroup, GroupMembership
from sessions_app.models import Event, Participant


def max_group_size(event: Event) -> int:
    return event.group_size + 1 if event.uneven_groups == Event.UnevenGroups.LARGER else event.group_size


def diversity_gain(person: Participant, members: list[Participant], weights: dict[str, float]) -> float:
    """How much diversity a person adds: per attribute, the weighted number of members who differ."""
    gain = 0.0
    for key, weight in weights.items():
        value = person.attributes.get(key)
        if value in (None, ""):
            continue
        gain += weight * sum(1 for m in members if m.attributes.get(key) not in (None, "", value))
    return gain


@transaction.atomic
def late_joiner_place(*, participant: Participant, allocation: Allocation) -> GroupMembership | None:
    """Place a person into the best group of the first round, or return None to leave them queued."""
    event = participant.event
    languages = participant.language_list
    weights = {a.key: a.weight for a in event.diversity_attributes.all()}
    limit = max_group_size(event)
    groups = list(BreakoutGroup.objects.select_for_update().filter(allocation=allocation, round=1).order_by("number"))
    members_by_group: dict[int, list[Participant]] = {g.pk: [] for g in groups}
    for membership in GroupMembership.objects.filter(
        group__in=groups, role=GroupMembership.Role.PARTICIPANT
    ).select_related("participant"):
        members_by_group[membership.group_id].append(membership.participant)
    best, best_key = None, None
    for group in groups:
        members = members_by_group[group.pk]
        if len(members) >= limit:
            continue
        if event.keep_language_together and group.language and group.language not in languages:
            continue
        # A group below the event's group size first: the members who differ are counted, so a
        # larger group would otherwise always win, and a pilot's groups of 5, 4 and 4 became 6,
        # 4 and 4. Among those, where they add the most diversity.
        below_target = len(members) < event.group_size
        key = (below_target, diversity_gain(participant, members, weights), -len(members), -group.number)
        if best_key is None or key > best_key:
            best, best_key = group, key
    if best is None:
        return None
    membership = GroupMembership.objects.create(
        group=best, participant=participant, allocation=allocation, round=1, joined_late=True
    )
    streams.event_changed(event)
    streams.room_changed(event, best.pk)  # the members' pages show the newcomer
    streams.person_moved(event, participant, best)
    return membership
