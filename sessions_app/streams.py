"""The person's own channel group, and the notice that tells their open pages to check again.

Websockets of a person join `person_group`; a service that withdraws or reissues a link, or
moves the person, sends `person_changed` on commit. The consumer then authorises again: it
closes when the session's link is no longer valid, and follows the person's new room."""

from infrastructure.broadcast import notify_on_commit


def person_group(participant_id: int) -> str:
    return f"person.{participant_id}"


def person_changed(participant_id: int, payload: dict | None = None) -> None:
    """Once committed, make the person's open websockets authorise again (then forward `payload`)."""
    notify_on_commit(person_group(participant_id), "person.changed", payload)
