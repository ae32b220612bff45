"""Reads on events and people that pages share."""

from sessions_app.join_links import join_url
from sessions_app.models import Event, Participant


def people_with_links(*, event: Event) -> list[dict]:
    """The event's people by role (participants first), each with their join link (None when
    withdrawn): ``[{"value", "label", "people": [{"pk", "name", "checked_in", "link"}]}]``."""
    people = event.participants.order_by("last_name", "first_name", "pk")
    by_role: dict[str, list[dict]] = {value: [] for value in Participant.Role.values}
    for person in people:
        by_role.setdefault(person.role, []).append(
            {
                "pk": person.pk,
                "name": str(person),
                "checked_in": person.checked_in_at is not None,
                "link": None if person.join_revoked_at else join_url(person),
            }
        )
    return [{"value": role.value, "label": role.label, "people": by_role[role.value]} for role in Participant.Role]
