"""The plenary screen's access and state."""

from django.utils.crypto import constant_time_compare

from sessions_app.models import Event


def event_for_plenary_token(slug: str, token: str) -> Event | None:
    event = Event.objects.filter(slug=slug).first()
    if event is None or not constant_time_compare(event.plenary_token, token):
        return None
    return event


ANONYMOUS, STAFF = "anonymous", "staff"


def plenary_group_name(event_id: int, audience: str = "") -> str:
    """Every screen of the event; with ``audience``, only those of anyone with the link
    (ANONYMOUS) or only those of the event's signed-in organisers (STAFF), who also see a
    comparison with sites that did not opt in to publication. A screen joins the first and its
    audience's: a payload that is the same for all is sent once."""
    return f"plenary.{event_id}.{audience}" if audience else f"plenary.{event_id}"


def plenary_group_names(event_id: int, *, staff: bool) -> list[str]:
    return [plenary_group_name(event_id), plenary_group_name(event_id, STAFF if staff else ANONYMOUS)]


def plenary_viewer_is_staff(user, event: Event) -> bool:
    return bool(user is not None and user.is_authenticated and event.is_organised_by(user))
