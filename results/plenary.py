"""The plenary screen's access and state (its channel groups are named in results.streams)."""

from django.utils.crypto import constant_time_compare

from sessions_app.models import Event


def event_for_plenary_token(slug: str, token: str) -> Event | None:
    event = Event.objects.filter(slug=slug).first()
    if event is None or not constant_time_compare(event.plenary_token, token):
        return None
    return event


def plenary_viewer_is_staff(user, event: Event) -> bool:
    return bool(user is not None and user.is_authenticated and event.is_organised_by(user))
