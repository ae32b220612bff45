"""Live streams of the event: a person's page (lobby or room) and the organisers' control room."""

from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from groups import calls, streams
from groups.presence import presence_connect, presence_disconnect, presence_heartbeat
from infrastructure.client_messages import ClientMessageInvalid
from infrastructure.consumers import StreamConsumer
from infrastructure.ice_servers import ice_configuration
from sessions_app.auth import participant_for_session
from sessions_app.models import Event


class CallRelay:
    """The room's video call on a stream: join, leave, and signals relayed to one peer of the
    same call (groups/calls.py checks them; nothing is stored). Subclasses name their `peer` and
    say in `_call_admit(content)` (sync) whom they may join: (group id, name, role) or None."""

    call_messages = {
        "call.leave": {},
        "call.signal": {
            "to": calls.clean_peer,
            "description": calls.clean_description,
            "candidate": calls.clean_candidate,
        },
    }
    call_group_id = None  # the group whose call this connection is in
    # Joining a call of eight sends an offer or answer and a dozen ICE candidates per peer.
    message_burst = 200
    message_rate = 40.0
    call_name = call_role = ""
    event_id = None

    @property
    def peer(self) -> str:
        raise NotImplementedError

    def _call_admit(self, content):
        raise NotImplementedError

    def _call_groups(self) -> list[str]:
        return [streams.call_group(self.call_group_id), streams.call_peer_group(self.call_group_id, self.peer)]

    def _call_join(self, content):
        """(group id, name, role, ICE configuration) when this peer may join that call now, else
        the reason it may not (a text)."""
        refused = _("Only the members of a room join its call, while the rooms are open.")
        admitted = self._call_admit(content)
        if admitted is None:
            return refused
        group_id = admitted[0]
        event = Event.objects.filter(pk=self.event_id).first()
        phase = event.running_phase() if event is not None else None
        if event is None or event.video_provider != Event.VideoProvider.BUILTIN or phase is None:
            return refused
        if (
            phase.kind != phase.Kind.BREAKOUT
            or not event.groups.filter(pk=group_id, allocation__is_current=True).exists()
        ):
            return refused
        if calls.call_too_large(group_id):
            return _(
                "This room has more than %(most)s people: the built-in call holds %(most)s. "
                "Ask the organisers to use a Jitsi room or a meeting link for this event."
            ) % {"most": calls.MOST_IN_A_CALL}
        return (*admitted, ice_configuration(person=self.peer))

    async def on_call_join(self, content):
        joined = await database_sync_to_async(self._call_join)(content)
        if isinstance(joined, str):
            await self.send_error(joined)
            return
        group_id, self.call_name, self.call_role, ice = joined
        if self.call_group_id not in (None, group_id):
            await self._call_leave()
        self.call_group_id = group_id
        await self.subscribe(self.group_names + [g for g in self._call_groups() if g not in self.group_names])
        await self.send_json({"type": "call.ready", "peer": self.peer, "ice": ice})
        await streams.call_presence_send(
            self.call_group_id, "call.join", peer=self.peer, name=self.call_name, role=self.call_role
        )

    async def on_call_leave(self, content):
        await self._call_leave()

    async def on_call_signal(self, content):
        try:
            calls.call_signal_check(content)
        except ClientMessageInvalid as exc:
            await self.send_error(exc.message)
            return
        group_id, target = self.call_group_id, content["to"]
        allowed = group_id is not None and await database_sync_to_async(calls.call_target_allowed)(
            event_id=self.event_id, group_id=group_id, sender=self.peer, target=target
        )
        if not allowed:
            await self.send_error(_("That person is not in your room's call."))
            return
        signal = {key: content[key] for key in ("description", "candidate") if key in content}
        await streams.call_signal_send(
            group_id, sender=self.peer, name=self.call_name, role=self.call_role, target=target, signal=signal
        )

    async def _call_leave(self):
        """Stop hearing the call, then tell the ones still in it."""
        if self.call_group_id is None:
            return
        group_id, call_groups = self.call_group_id, self._call_groups()
        self.call_group_id = None
        await self.subscribe([g for g in self.group_names if g not in call_groups])
        await streams.call_presence_send(group_id, "call.leave", peer=self.peer)


class ParticipantConsumer(CallRelay, StreamConsumer):
    """One person at one event: the event's state, their own messages, and their room's.

    The stream stays bound to what opened it: when the person's link is withdrawn or reissued
    (`person.changed`), or the check on each heartbeat finds the session no longer valid, it
    closes; when the person is moved or the groups are formed again, it leaves the old room
    and follows the new one."""

    client_messages = {
        **StreamConsumer.client_messages,
        "ping": {},
        # The room's video call (relayed, never stored; see groups/calls.py).
        "call.join": {},
        "call.leave": {},
        "call.signal": {
            "to": calls.clean_peer,
            "description": calls.clean_description,
            "candidate": calls.clean_candidate,
        },
    }
    large_client_messages = frozenset({"call.signal"})
    participant_id = None
    event_id = None
    group_id = None
    allocation_id = None

    def authorise(self):
        event = Event.objects.filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if event is None:
            return None
        participant = participant_for_session(self.scope["session"], self.scope.get("user"), event)
        if participant is None or (self.participant_id is not None and participant.pk != self.participant_id):
            return None
        self.participant_id, self.event_id = participant.pk, event.pk
        snapshot = streams.event_state(event, cached=True)
        view, membership = streams.person_view(participant, snapshot)
        self.group_id = membership.group_id if membership else None
        self.allocation_id = snapshot["allocation"]
        groups = [streams.event_group(event.pk), streams.person_group(participant.pk)]
        if self.group_id:
            groups.append(streams.room_group(self.group_id))
        if self.call_group_id is not None and self.call_group_id == self.group_id:
            groups += self._call_groups()  # still in the room: still in its call
        snapshot["view"] = view
        snapshot["group"] = self.group_id
        return groups, snapshot

    async def connected(self):
        await self._presence_changed(self.group_id, presence_connect)

    async def disconnected(self):
        if self.participant_id is not None:
            await self._call_leave()
            await self._presence_changed(self.group_id, presence_disconnect)

    async def on_ping(self, content):
        if not await database_sync_to_async(self._heartbeat)():
            await self.end()
            return
        await self.send_json({"type": "pong", "server_time": timezone.now().isoformat()})

    def _heartbeat(self) -> bool:
        """Keep the presence alive; False once the session no longer speaks for this person (a
        safety net for a lost `person.changed`: the channel layer delivers at most once)."""
        event = Event(pk=self.event_id, slug=self.scope["url_route"]["kwargs"]["slug"])
        participant = participant_for_session(self.scope["session"], self.scope.get("user"), event)
        if participant is None or participant.pk != self.participant_id:
            return False
        presence_heartbeat(self.participant_id)
        return True

    async def on_refresh(self, content):
        old_group = self.group_id
        await super().on_refresh(content)
        await self._room_left(old_group)

    async def person_changed(self, message):
        """The person's link or room changed: authorise again, then follow or close."""
        if self.ended:
            return
        old_group = self.group_id
        authorised = await database_sync_to_async(self.authorise)()
        if authorised is None:
            await self.end()
            return
        groups, snapshot = authorised
        await self.subscribe(groups)
        if "text" in message:
            await self.send(text_data=message["text"])
        elif self.group_id != old_group:
            await self.send_json(snapshot)
        await self._room_left(old_group)

    async def stream_update(self, message):
        if self.ended:
            return
        if "allocation" in message and message["allocation"] != self.allocation_id:
            # The groups were formed again: stop hearing the old room at once, then find the new one.
            old_group = self.group_id
            room = streams.room_group(self.group_id) if self.group_id else None
            await self.subscribe([g for g in self.group_names if g != room])
            await super().stream_update(message)
            authorised = await database_sync_to_async(self.authorise)()
            if authorised is None:
                await self.end()
                return
            await self.subscribe(authorised[0])
            await self._room_left(old_group)
            return
        await super().stream_update(message)

    async def _room_left(self, old_group):
        """After a move: both rooms see who is connected now; the old room's call is left."""
        if self.call_group_id is not None and self.call_group_id != self.group_id:
            await self._call_leave()
            await self.send_json({"type": "call.ended"})
        if old_group != self.group_id and not self.ended:
            for group_id in (old_group, self.group_id):
                if group_id is not None:
                    await self._presence_changed(group_id)

    @property
    def peer(self) -> str:
        return calls.participant_peer(self.participant_id)

    def _call_admit(self, content):
        if self.group_id is None:
            return None
        membership = calls.call_member(group_id=self.group_id, participant_id=self.participant_id)
        return None if membership is None else (self.group_id, membership.participant.first_name, membership.role)

    async def _presence_changed(self, group_id, change=None):
        """Tell the room and the control room who is connected, after `change` (one trip to the
        sync thread for both: a join storm or a mass reconnect makes thousands of these)."""
        payload = await database_sync_to_async(self._room_presence)(group_id, change)
        if group_id is not None:
            await streams.presence_changed(self.event_id, payload)

    def _room_presence(self, group_id, change):
        if change is not None:
            change(self.participant_id)
        return streams.room_presence_of(group_id) if group_id is not None else None


def _group_id(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise ClientMessageInvalid(_("Name the group by its number id."))
    return value


class ControlRoomConsumer(CallRelay, StreamConsumer):
    """Organisers of the event: notified of every change, and of allocation progress. An
    organiser observing a room may join its call, shown to the group as "organiser"."""

    client_messages = {**StreamConsumer.client_messages, "call.join": {"group": _group_id}, **CallRelay.call_messages}
    large_client_messages = frozenset({"call.signal"})
    user_id = None

    def authorise(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        event = Event.objects.organised_by(user).filter(slug=self.scope["url_route"]["kwargs"]["slug"]).first()
        if event is None:
            return None
        self.user_id, self.event_id = user.pk, event.pk
        groups = [streams.control_group(event.pk), streams.event_group(event.pk)]
        if self.call_group_id is not None:
            groups += self._call_groups()
        return groups, streams.event_state(event)

    async def stream_update(self, message):
        if message.get(streams.PARTICIPANTS_ONLY):
            return  # a hint for the participants' pages (the phones' slide): nothing shown here
        await super().stream_update(message)

    @property
    def peer(self) -> str:
        return calls.organiser_peer(self.user_id)

    def _call_admit(self, content):
        user = get_user_model().objects.filter(pk=self.user_id, is_active=True).first()
        if "group" not in content or user is None or not Event.objects.organised_by(user).filter(pk=self.event_id):
            return None
        return content["group"], user.first_name or user.get_username(), "organiser"

    async def disconnected(self):
        await self._call_leave()
