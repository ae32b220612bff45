"""Live streams of the event: a person's page (lobby or room) and the organisers' control room."""

from channels.db import database_sync_to_async
from django.utils import timezone

from groups import live
from groups.models import BreakoutGroup
from groups.presence import presence_connect, presence_disconnect, presence_heartbeat
from sessions_app.auth import participant_for_session
from sessions_app.models import Event
from wetheinternet.consumers import StreamConsumer


class ParticipantConsumer(StreamConsumer):
    """One person at one event: the event's state, their own messages, and their room's."""

    participant_id = None
    group_id = None

    def authorise(self):
        event = Event.objects.filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if event is None:
            return None
        participant = participant_for_session(self.scope["session"], self.scope.get("user"), event)
        if participant is None:
            return None
        self.participant_id, self.event_id = participant.pk, event.pk
        snapshot = live.event_state(event, cached=True)
        view, membership = live.person_view(participant, snapshot)
        self.group_id = membership.group_id if membership else None
        groups = [live.event_group(event.pk), live.person_group(participant.pk)]
        if self.group_id:
            groups.append(live.room_group(self.group_id))
        snapshot["view"] = view
        snapshot["group"] = self.group_id
        return groups, snapshot

    async def connected(self):
        await database_sync_to_async(presence_connect)(self.participant_id)
        await self._presence_changed()

    async def disconnect(self, code):
        if self.participant_id is not None:
            await database_sync_to_async(presence_disconnect)(self.participant_id)
            await self._presence_changed()
        await super().disconnect(code)

    async def handle(self, content) -> bool:
        if content["type"] == "ping":
            await database_sync_to_async(presence_heartbeat)(self.participant_id)
            await self.send_json({"type": "pong", "server_time": timezone.now().isoformat()})
            return True
        return False

    async def _presence_changed(self):
        if self.group_id is None:
            return
        payload = await database_sync_to_async(self._room_presence)()
        if payload:
            await self.channel_layer.group_send(
                live.room_group(self.group_id), {"type": "stream.update", "payload": payload}
            )
        await self.channel_layer.group_send(
            live.control_group(self.event_id), {"type": "stream.update", "payload": {"type": "control.presence"}}
        )

    def _room_presence(self):
        group = BreakoutGroup.objects.filter(pk=self.group_id).first()
        return live.room_presence(group) if group else None


class ControlRoomConsumer(StreamConsumer):
    """Organisers of the event: notified of every change, and of allocation progress."""

    def authorise(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        event = Event.objects.organised_by(user).filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if event is None:
            return None
        return [live.control_group(event.pk), live.event_group(event.pk)], live.event_state(event)
