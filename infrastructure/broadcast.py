"""The one way the project notifies live streams: after the transaction commits, or, for a hint
whose truth is kept elsewhere (a run's progress, who is connected), at once."""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from infrastructure.resilience import best_effort


def _update(payload: dict, notice: dict | None = None) -> dict:
    # Encoded once here rather than once per screen: the consumers forward the text as it is.
    return {**(notice or {}), "type": "stream.update", "text": json.dumps(payload)}


def send_on_commit(group: str, payload: dict, *, notice: dict | None = None) -> None:
    """Send a payload (a dict with `type` and `version`) to a channel group once committed.

    `notice` adds a few plain values for the consumers themselves; clients never see them."""

    def send():
        with best_effort(f"live update to {group}"):
            async_to_sync(get_channel_layer().group_send)(group, _update(payload, notice))

    transaction.on_commit(send)


def notify_on_commit(group: str, message_type: str, payload: dict | None = None) -> None:
    """Once committed, send the consumers of a channel group a message of their own (`message_type`
    names the handler), carrying a payload for their clients if one is given."""

    def send():
        with best_effort(f"notice to {group}"):
            message = {"type": message_type}
            if payload is not None:
                message["text"] = json.dumps(payload)
            async_to_sync(get_channel_layer().group_send)(group, message)

    transaction.on_commit(send)


def send_now(group: str, payload: dict) -> None:
    """Send a payload at once, outside any transaction (from a worker's running task). A hint
    only: when Redis is unreachable it is logged and skipped, and the task carries on."""
    with best_effort(f"live update to {group}"):
        async_to_sync(get_channel_layer().group_send)(group, _update(payload))


async def send_now_async(group: str, payload: dict) -> None:
    """Send a payload at once from async code (a stream's own connection coming or going)."""
    await get_channel_layer().group_send(group, _update(payload))
