"""Channel groups and payloads of the lobby stream."""

from sessions_app.models import Participant


def lobby_group_name(participant_id: int) -> str:
    return f"lobby.{participant_id}"


def lobby_snapshot(participant: Participant) -> dict:
    return {
        "type": "lobby.snapshot",
        "version": int(participant.checked_in_at.timestamp() * 1000) if participant.checked_in_at else 0,
        "checked_in": participant.checked_in_at is not None,
        "role": participant.role,
    }
