"""The plenary screen's access and state."""

from django.utils.crypto import constant_time_compare

from sessions_app.models import Event


def event_for_plenary_token(slug: str, token: str) -> Event | None:
    event = Event.objects.filter(slug=slug).first()
    if event is None or not constant_time_compare(event.plenary_token, token):
        return None
    return event


def plenary_group_name(event_id: int) -> str:
    return f"plenary.{event_id}"


def plenary_snapshot(event: Event) -> dict:
    """The plenary's state (built by ``results.selectors.plenary_snapshot``)."""
    from results.selectors import plenary_snapshot as build

    return build(event)
