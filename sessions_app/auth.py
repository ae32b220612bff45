"""Who is who: organisers of events, and people logged in to one event by their join link.

A browser logged in by a join link holds, per event, the person and the link generation it was
opened with. Withdrawing or reissuing a link bumps the generation: the older sessions are over."""

from dataclasses import dataclass

from sessions_app.models import Event, Participant

SESSION_KEY = "participants"  # {event id: [participant id, link generation]}


def is_organiser(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.organisations.exists()


def participant_session_entry(participant: Participant) -> list[int]:
    """What a session keeps for a person logged in by their link: who, and which link generation."""
    return [participant.pk, participant.link_generation]


def participant_login(request, participant: Participant) -> None:
    """Log a person in for their event only (other events in the same browser are kept)."""
    held = request.session.get(SESSION_KEY)
    events = dict(held) if isinstance(held, dict) else {}
    request.session.cycle_key()  # a new session id after a login, against session fixation
    events[str(participant.event_id)] = participant_session_entry(participant)
    request.session[SESSION_KEY] = events


@dataclass(frozen=True)
class LinkSession:
    participant_id: int
    generation: int


def link_session(session, event_id: int) -> LinkSession | None:
    """The person and link generation this session holds for an event; None for anything else
    (no entry, an entry from before generations, or a value that was tampered with)."""
    events = session.get(SESSION_KEY)
    entry = events.get(str(event_id)) if isinstance(events, dict) else None
    if not (isinstance(entry, list | tuple) and len(entry) == 2):
        return None
    if not all(isinstance(value, int) and not isinstance(value, bool) for value in entry):
        return None
    return LinkSession(participant_id=entry[0], generation=entry[1])


def participant_by_link(event: Event, link: LinkSession) -> Participant | None:
    participant = Participant.objects.filter(
        pk=link.participant_id, event=event, link_generation=link.generation, join_revoked_at__isnull=True
    ).first()
    if participant is not None:
        participant.event = event  # already loaded: spare a query
    return participant


def participant_by_account(event: Event, user) -> Participant | None:
    if user is None or not user.is_authenticated:
        return None
    participant = Participant.objects.filter(event=event, user=user).first()
    if participant is not None:
        participant.event = event
    return participant


def participant_logout(request, event: Event) -> None:
    """End this browser's join-link session for one event (other events' are kept)."""
    events = request.session.get(SESSION_KEY)
    events = dict(events) if isinstance(events, dict) else {}
    events.pop(str(event.pk), None)
    request.session.cycle_key()
    if events:
        request.session[SESSION_KEY] = events
    else:
        request.session.pop(SESSION_KEY, None)


def participant_for_session(session, user, event: Event) -> Participant | None:
    """The person this browser speaks for at this event, by join link or by staff account."""
    link = link_session(session, event.pk)
    participant = participant_by_link(event, link) if link is not None else None
    return participant or participant_by_account(event, user)


def participant_for_request(request, event: Event) -> Participant | None:
    return participant_for_session(request.session, request.user, event)
