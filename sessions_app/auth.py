"""Who is who: organisers of events, and people logged in to one event by their join link."""

from sessions_app.models import Event, Participant

SESSION_KEY = "participants"  # {event id: participant id}


def is_organiser(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.organisations.exists()


def participant_login(request, participant: Participant) -> None:
    """Log a person in for their event only (other events in the same browser are kept)."""
    events = dict(request.session.get(SESSION_KEY, {}))
    request.session.cycle_key()  # a new session id after a login, against session fixation
    events[str(participant.event_id)] = participant.pk
    request.session[SESSION_KEY] = events


def participant_logout(request, event: Event) -> None:
    """End this browser's join-link session for one event (other events' are kept)."""
    events = dict(request.session.get(SESSION_KEY, {}))
    events.pop(str(event.pk), None)
    request.session.cycle_key()
    if events:
        request.session[SESSION_KEY] = events
    else:
        request.session.pop(SESSION_KEY, None)


def participant_for_session(session, user, event: Event) -> Participant | None:
    """The person this browser speaks for at this event, by join link or by staff account."""
    participant_id = (session.get(SESSION_KEY) or {}).get(str(event.pk))
    if participant_id is not None:
        participant = Participant.objects.filter(pk=participant_id, event=event, join_revoked_at__isnull=True).first()
        if participant is not None:
            participant.event = event  # already loaded: spare a query
            return participant
    if user is not None and user.is_authenticated:
        participant = Participant.objects.filter(event=event, user=user).first()
        if participant is not None:
            participant.event = event
        return participant
    return None


def participant_for_request(request, event: Event) -> Participant | None:
    return participant_for_session(request.session, request.user, event)
