"""The shape shared by every live stream: authorise, join the groups, send the snapshot."""

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

MAX_MESSAGE_BYTES = 4096


class StreamConsumer(AsyncJsonWebsocketConsumer):
    """Subclasses implement `authorise()` (sync, may use the database), which returns
    (channel group names, snapshot dict) or None to refuse the connection, and may
    handle more client message types in `handle(content)`."""

    group_names: list[str] = []

    def authorise(self):
        raise NotImplementedError

    async def connect(self):
        authorised = await database_sync_to_async(self.authorise)()
        if authorised is None:
            await self.close(code=4403)
            return
        self.group_names, snapshot = authorised
        for group in self.group_names:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.send_json(snapshot)
        await self.connected()

    async def connected(self):
        """Hook after the snapshot was sent."""

    async def disconnect(self, code):
        for group in self.group_names:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None or len(text_data) > MAX_MESSAGE_BYTES:
            await self.send_error("Send JSON text messages of at most 4 kB.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.send_error("That message is not valid JSON.")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.send_error('Send an object with a "type", e.g. {"type": "refresh"}.')
            return
        if content["type"] == "refresh":
            snapshot = await database_sync_to_async(self.snapshot_again)()
            if snapshot is None:
                await self.close(code=4403)
                return
            await self.send_json(snapshot)
            return
        if not await self.handle(content):
            await self.send_error(f"Unknown message type “{content['type'][:40]}”.")

    def snapshot_again(self):
        """The current snapshot for a client that asks again (sync); None to disconnect it."""
        authorised = self.authorise()
        return authorised[1] if authorised else None

    async def handle(self, content) -> bool:
        """Handle another message type; return False when it is unknown."""
        return False

    async def send_error(self, message: str):
        await self.send_json({"type": "error", "message": message})

    async def dispatch(self, message):
        # An update touches no database: skip channels' close_old_connections(), a hop to the
        # process's one sync thread that would otherwise run once per screen and per update.
        if message["type"] == "stream.update":
            await self.stream_update(message)
            return
        await super().dispatch(message)

    async def stream_update(self, message):
        if "text" in message:  # already JSON (wetheinternet.broadcast.send_on_commit)
            await self.send(text_data=message["text"])
        else:
            await self.send_json(message["payload"])


class UnknownRouteConsumer(AsyncJsonWebsocketConsumer):
    """Any other websocket path: refused cleanly instead of failing in the router."""

    async def connect(self):
        await self.close(code=4404)
