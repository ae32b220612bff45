"""Reads of the live event for the pages: the room, and the control room."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext

from groups.allocation_plan import event_plan
from groups.group_mix import group_mix
from groups.models import Allocation, BreakoutGroup, GroupMembership, HelpCall, RoomMessage
from groups.presence import presence_connected
from infrastructure.jitsi import jitsi_configured, jitsi_room_name, jitsi_token
from infrastructure.weblinks import ROOM_PLACEHOLDER, is_web_address
from sessions_app.models import Event, Participant, Phase, Session


def current_allocation(event: Event) -> Allocation | None:
    return Allocation.objects.filter(event=event, is_current=True).first()


def membership_of(participant: Participant) -> GroupMembership | None:
    return (
        GroupMembership.objects.select_related("group")
        .filter(participant=participant, allocation__is_current=True, allocation__event_id=participant.event_id)
        .order_by("round")
        .first()
    )


def messages_of_now(event: Event, phase: Phase | None):
    """The event's messages that are still current: a message expires at the end of the phase it
    was sent in (one sent between phases, when the next phase starts)."""
    messages = RoomMessage.objects.filter(event=event)
    if phase is not None:
        since = phase.started_at
    else:
        since = (
            Phase.objects.filter(event=event, ended_at__isnull=False)
            .order_by("-ended_at")
            .values_list("ended_at", flat=True)
            .first()
        )
    return messages.filter(created_at__gte=since) if since else messages


def video_room(event: Event, group: BreakoutGroup) -> dict:
    """Where the group meets: its provider, and for a link the group's (unguessable) address, or
    its table for an in-person event."""
    provider = event.video_provider
    if provider == Event.VideoProvider.JITSI:
        if not jitsi_configured():
            return {"provider": provider, "unavailable": True, "table": group.number}
        return {"provider": provider, "domain": settings.JITSI_DOMAIN, "room": jitsi_room_name(group.room_token)}
    if provider == Event.VideoProvider.LINK and event.video_link_template:
        url = event.video_link_template.replace(ROOM_PLACEHOLDER, group.room_token)
        # A link stored before addresses were checked is never rendered unless it is http(s).
        if is_web_address(url):
            return {"provider": provider, "url": url}
    if provider == Event.VideoProvider.BUILTIN:
        return {"provider": provider, "table": group.number, "small": settings.VIDEO_SMALL}
    return {"provider": provider, "table": group.number}


def video_for(video: dict, *, name: str, user_id: str, moderator: bool) -> dict:
    """The group's video for one person: in a Jitsi room, with their own token."""
    if video["provider"] != Event.VideoProvider.JITSI or "room" not in video:
        return video
    token = jitsi_token(room=video["room"], name=name, user_id=user_id, moderator=moderator)
    return {**video, "name": name, "jwt": token}


ROOM_MESSAGES_SHOWN = 20


def member_names(members) -> None:
    """Give each membership the name its room shows (``shown_name``): the first name, with the
    last name's initial where two members share a first name (two "Carlos" in a room say
    nothing of who is who)."""
    firsts = [m.participant.first_name.strip().casefold() for m in members]
    for member, first in zip(members, firsts, strict=True):
        person = member.participant
        initial = person.last_name.strip()[:1]
        shared = firsts.count(first) > 1
        member.shown_name = f"{person.first_name} {initial}." if shared and initial else person.first_name


def _room_view(*, group: BreakoutGroup, state: dict) -> dict:
    """What anyone in a room sees of it: its members, who is connected, the session, its messages."""
    event = group.event
    members = list(group.memberships.select_related("participant").order_by("role", "participant__first_name"))
    member_names(members)
    phase_id = state["phase"]["id"] if state["phase"] else None
    session = (Session.objects.filter(phases__id=phase_id).first() if phase_id else None) or event.sessions.first()
    # The room's messages and everyone's, of this phase only, newest first.
    messages = (
        messages_of_now(event, event.running_phase())
        .filter(Q(group__isnull=True) | Q(group=group))
        .order_by("-created_at")[:ROOM_MESSAGES_SHOWN]
    )
    return {
        "group": group,
        "members": members,
        "connected": presence_connected(m.participant_id for m in members),
        "session": session,
        "questions": session.questions.prefetch_related("options") if session else [],
        "video": video_room(event, group),
        "room_messages": messages,
    }


def room_page(*, participant: Participant, membership: GroupMembership, state: dict) -> dict:
    """What a room page shows; `state` is the event's live state (its phase among it)."""
    event = participant.event
    view = _room_view(group=membership.group, state=state)
    moderator = membership.role == GroupMembership.Role.FACILITATOR
    return {
        **view,
        "video": video_for(
            view["video"], name=participant.first_name, user_id=f"p{participant.pk}", moderator=moderator
        ),
        "membership": membership,
        "open_help_call": HelpCall.objects.filter(participant=participant, acknowledged_at__isnull=True).first(),
        "phases": event.phases.all() if membership.role == GroupMembership.Role.FACILITATOR else [],
    }


def room_observer_page(*, group: BreakoutGroup, state: dict, organiser) -> dict:
    """What an organiser observing a room sees: the room as its members see it, read only, and its
    help calls waiting; in a Jitsi room, the organiser joins as a moderator named "Organiser"."""
    view = _room_view(group=group, state=state)
    return {
        **view,
        "video": video_for(view["video"], name=gettext("Organiser"), user_id=f"u{organiser.pk}", moderator=True),
        "help_calls": list(
            HelpCall.objects.filter(group=group, acknowledged_at__isnull=True)
            .select_related("participant")
            .order_by("created_at")
        ),
    }


def control_room_data(event: Event) -> dict:
    people = list(
        Participant.objects.filter(event=event).only(
            "id", "first_name", "last_name", "role", "checked_in_at", "languages", "attributes"
        )
    )
    attributes = list(event.diversity_attributes.all())
    allocation = current_allocation(event)
    latest = Allocation.objects.filter(event=event).select_related("created_by").first()
    groups = []
    placed: set[int] = set()
    if allocation is not None:
        by_group = defaultdict(list)
        for membership in GroupMembership.objects.filter(allocation=allocation, round=1).select_related("participant"):
            by_group[membership.group_id].append(membership)
            placed.add(membership.participant_id)
        connected = presence_connected(placed)
        for group in BreakoutGroup.objects.filter(allocation=allocation, round=1).order_by("number"):
            members = sorted(
                by_group[group.pk],
                key=lambda m: (m.role != "facilitator", m.role != "note_taker", m.participant.first_name),
            )
            roles = {m.role for m in members}
            seated = [m.participant for m in members if m.participant.role == Participant.Role.PARTICIPANT]
            groups.append(
                {
                    "group": group,
                    "members": [{"membership": m, "connected": m.participant_id in connected} for m in members],
                    "connected": sum(1 for m in members if m.participant_id in connected),
                    "mix": group_mix(seated, attributes),
                    "no_facilitator": GroupMembership.Role.FACILITATOR not in roles,
                    "no_note_taker": GroupMembership.Role.NOTE_TAKER not in roles,
                    "volunteers": [m.participant for m in members if m.role == GroupMembership.Role.PARTICIPANT],
                }
            )
        in_room = len(connected)
    else:
        in_room = 0
    participants = [p for p in people if p.role == Participant.Role.PARTICIPANT]
    present = [p for p in participants if p.checked_in_at]
    staff_present = [p for p in people if p.checked_in_at and p.role != Participant.Role.PARTICIPANT]
    return {
        "plan": event_plan(event, present, staff_present) if len(present) >= 2 else None,
        "active_run": latest if latest is not None and latest.status in ("pending", "running") else None,
        "event": event,
        "phases": list(event.phases.all()),
        "running": event.running_phase(),
        "counts": {
            "registered": len(participants),
            "checked_in": sum(1 for p in participants if p.checked_in_at),
            "staff": len(people) - len(participants),
            "in_room": in_room,
            "connected": len(presence_connected(p.pk for p in people)),
        },
        "allocation": allocation,
        "latest_allocation": latest,
        "groups": groups,
        "waiting": [
            p for p in people if p.checked_in_at and p.pk not in placed and p.role == Participant.Role.PARTICIPANT
        ]
        if allocation
        else [],
        "help_calls": HelpCall.objects.filter(event=event, acknowledged_at__isnull=True).select_related(
            "participant", "group"
        ),
        "recent_messages": RoomMessage.objects.filter(event=event).select_related("group")[:5],
        "breakout_phase": next((p for p in event.phases.all() if p.kind == Phase.Kind.BREAKOUT), None),
    }


ZOOM_HEADER = ["Pre-assign Room Name", "Email Address"]


def zoom_breakout_rows(event: Event, round_number: int) -> list[list[str]]:
    """One round of the current groups as Zoom's breakout pre-assignment: a row per person with an
    e-mail address (Zoom matches people by it), in rooms named "Group N"."""
    memberships = (
        GroupMembership.objects.filter(allocation__event=event, allocation__is_current=True, round=round_number)
        .exclude(participant__email="")
        .select_related("group", "participant")
        .order_by("group__number", "participant__pk")
    )
    return [[f"Group {m.group.number}", m.participant.email] for m in memberships]
