"""The shape shared by every live stream: authorise, join the groups, send the snapshot.

What clients send is checked before any handler sees it (infrastructure.client_messages): a bad
message gets an error answer and the connection stays usable."""

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from infrastructure.client_messages import ClientMessageInvalid, client_message_parse
from infrastructure.resilience import best_effort

CLOSE_REFUSED = 4403  # the page shows "signed out" and stops reconnecting


async def channel_release(layer, channel_name: str) -> None:
    """Give back a consumer's own channel once it has ended.

    channels-redis' pub/sub layer unsubscribes a consumer's channel only when its pending receive
    is cancelled. A message that reaches the channel while the consumer is closing completes that
    receive instead, and the channel's Redis subscription and queue then stay for the process's
    life. Channels has no public call to delete a channel, so this reaches into the layer."""
    loop_layer = layer._get_layer() if hasattr(layer, "_get_layer") else layer
    channels = getattr(loop_layer, "channels", None)
    if isinstance(channels, dict) and channel_name in channels:
        del channels[channel_name]
        if hasattr(loop_layer, "_get_shard"):
            await loop_layer._get_shard(channel_name).unsubscribe(channel_name)
    buffer = getattr(loop_layer, "receive_buffer", None)  # channels-redis' list-based layer
    if isinstance(buffer, dict):
        buffer.pop(channel_name, None)


class MessageBudget:
    """A connection's allowance of client messages: ``burst`` at once, given back at
    ``per_second`` (a token bucket, in the connection's own memory)."""

    def __init__(self, burst: int, per_second: float, clock=time.monotonic):
        self.burst, self.per_second, self.clock = burst, per_second, clock
        self.tokens, self.at = float(burst), clock()

    def take(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.per_second)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class StreamConsumer(AsyncJsonWebsocketConsumer):
    """Subclasses implement `authorise()` (sync, may use the database), which returns
    (channel group names, snapshot dict) or None to refuse the connection. They may accept more
    client message types: name them in `client_messages` (type -> allowed fields, see
    infrastructure.client_messages) and handle each in `on_<type>(content)`."""

    group_names: list[str] = []
    client_messages: dict[str, dict] = {"refresh": {}}
    # A page sends a message now and then; more than this is a script: the surplus is dropped,
    # with one error a second, and the connection stays open.
    message_burst = 60
    message_rate = 10.0
    budget: MessageBudget | None = None
    flood_told_at = 0.0
    large_client_messages: frozenset[str] = frozenset()  # types allowed up to 16 kB instead of 4 kB
    ended = False

    def authorise(self):
        raise NotImplementedError

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            if getattr(self, "channel_name", None) and self.channel_layer is not None:
                with best_effort("channel release"):  # Redis gone: its subscriptions went with it
                    await channel_release(self.channel_layer, self.channel_name)

    async def connect(self):
        authorised = await database_sync_to_async(self.authorise)()
        if authorised is None:
            await self.close(code=CLOSE_REFUSED)
            return
        self.group_names = []
        groups, snapshot = authorised
        await self.subscribe(groups)
        await self.accept()
        await self.send_json(snapshot)
        await self.connected()

    async def connected(self):
        """Hook after the snapshot was sent."""

    async def subscribe(self, groups: list[str]) -> None:
        """Follow exactly these channel groups: leave the others first, then join the new ones."""
        for group in [g for g in self.group_names if g not in groups]:
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in [g for g in groups if g not in self.group_names]:
            await self.channel_layer.group_add(group, self.channel_name)
        self.group_names = list(groups)

    async def end(self, code: int = CLOSE_REFUSED) -> None:
        """Stop following every group, then close: nothing more reaches this client."""
        self.ended = True
        await self.subscribe([])
        await self.close(code=code)

    async def disconnect(self, code):
        # Leave every group before saying anything to them: a message sent to a group this
        # consumer is still in would land in its own channel and keep that channel alive.
        await self.subscribe([])
        await self.disconnected()

    async def disconnected(self):
        """Hook once the consumer has left all its groups."""

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self.ended:
            return
        if self.budget is None:
            self.budget = MessageBudget(self.message_burst, self.message_rate)
        if not self.budget.take():
            if time.monotonic() - self.flood_told_at >= 1.0:
                self.flood_told_at = time.monotonic()
                await self.send_error(_("Too many messages at once: the last ones were dropped. Wait a moment."))
            return
        try:
            content = client_message_parse(text_data, self.client_messages, large_types=self.large_client_messages)
        except ClientMessageInvalid as exc:
            await self.send_error(exc.message)
            return
        await getattr(self, f"on_{content['type'].replace('.', '_')}")(content)

    async def on_refresh(self, content):
        authorised = await database_sync_to_async(self.snapshot_again)()
        if authorised is None:
            await self.end()
            return
        groups, snapshot = authorised
        await self.subscribe(groups)
        await self.send_json(snapshot)

    def snapshot_again(self):
        """(groups, snapshot) for a client that asks again (sync); None to disconnect it."""
        return self.authorise()

    async def send_error(self, message: str):
        await self.send_json({"type": "error", "message": str(message)})

    async def dispatch(self, message):
        # An update touches no database: skip channels' close_old_connections(), a hop to the
        # process's one sync thread that would otherwise run once per screen and per update.
        if message["type"] == "stream.update":
            await self.stream_update(message)
            return
        await super().dispatch(message)

    async def stream_update(self, message):
        if self.ended:
            return
        if "text" in message:  # already JSON (infrastructure.broadcast.send_on_commit)
            await self.send(text_data=message["text"])
        else:
            await self.send_json(message["payload"])


class UnknownRouteConsumer(AsyncJsonWebsocketConsumer):
    """Any other websocket path: refused cleanly instead of failing in the router."""

    async def connect(self):
        await self.close(code=4404)
