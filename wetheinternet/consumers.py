"""The shape shared by every live stream: authorise, join the group, send the snapshot."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

MAX_MESSAGE_BYTES = 4096


class StreamConsumer(AsyncJsonWebsocketConsumer):
    """Subclasses implement `authorise()` (sync, may use the database), which returns
    (channel group name, snapshot dict) or None to refuse the connection."""

    def authorise(self):
        raise NotImplementedError

    async def connect(self):
        authorised = await database_sync_to_async(self.authorise)()
        if authorised is None:
            await self.close(code=4403)
            return
        self.group_name, snapshot = authorised
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self.send_json(snapshot)

    async def disconnect(self, code):
        if hasattr(self, "group_name"):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            await self.send_error("Send JSON text messages of at most 4 kB.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("That message is not valid JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        # Streams are read-only for clients: they may only ask for the current snapshot again.
        if not isinstance(content, dict) or content.get("type") != "refresh":
            await self.send_error('Unknown message; send {"type": "refresh"}.')
            return
        authorised = await database_sync_to_async(self.authorise)()
        if authorised is None:
            await self.close(code=4403)
            return
        await self.send_json(authorised[1])

    async def send_error(self, message: str):
        await self.send_json({"type": "error", "message": message})

    async def stream_update(self, message):
        await self.send_json(message["payload"])
