"""The one way the project notifies live streams: after the transaction commits."""

import json

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from wetheinternet.resilience import best_effort


def send_on_commit(group: str, payload: dict) -> None:
    """Send a payload (a dict with `type` and `version`) to a channel group once committed."""

    def send():
        with best_effort(f"live update to {group}"):
            # Encoded once here rather than once per screen: the consumers forward the text as it is.
            message = {"type": "stream.update", "text": json.dumps(payload)}
            async_to_sync(get_channel_layer().group_send)(group, message)

    transaction.on_commit(send)
