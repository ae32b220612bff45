"""The one way the project notifies live streams: after the transaction commits."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from wetheinternet.resilience import best_effort


def send_on_commit(group: str, payload: dict) -> None:
    """Send a payload (a dict with `type` and `version`) to a channel group once committed."""

    def send():
        with best_effort(f"live update to {group}"):
            async_to_sync(get_channel_layer().group_send)(group, {"type": "stream.update", "payload": payload})

    transaction.on_commit(send)
