"""Live streams of a person and of the control room: authorised, refused, snapshot, updates."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from groups import services, streams
from results.presentation import presentation_update
from sessions_app.auth import SESSION_KEY, participant_session_entry
from wetheinternet.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://localhost")


@database_sync_to_async
def cookie_for_person(participant) -> tuple:
    session = SessionStore()
    session[SESSION_KEY] = {str(participant.event_id): participant_session_entry(participant)}
    session.create()
    return (b"cookie", f"sessionid={session.session_key}".encode())


@database_sync_to_async
def cookie_for_user(user) -> tuple:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
    from django.contrib.auth import SESSION_KEY as USER_KEY

    session = SessionStore()
    session[USER_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return (b"cookie", f"sessionid={session.session_key}".encode())


async def open_stream(path, *headers):
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN, *headers])
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_a_person_gets_the_snapshot_and_follows_phases(event, phases, grouped, participant):
    me, connected, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(participant))
    assert connected
    snapshot = await me.receive_json_from()
    assert snapshot["type"] == "event.state" and snapshot["view"] == "lobby"
    assert snapshot["allocation"] == grouped.pk and snapshot["phase"] is None
    presence = await me.receive_json_from()
    assert presence["type"] == "room.presence" and participant.pk in presence["connected"]
    await database_sync_to_async(services.phase_start)(event=event, phase=phases[1])
    update = await me.receive_json_from(timeout=5)
    assert update["type"] == "event.state" and update["phase"]["kind"] == "breakout"
    assert update["version"] == snapshot["version"] + 1
    await me.send_json_to({"type": "ping"})
    assert (await me.receive_json_from())["type"] == "pong"
    await me.send_json_to({"type": "refresh"})
    assert (await me.receive_json_from())["view"] == "room"
    await me.send_json_to({"type": "sudo"})
    assert "Unknown message type" in (await me.receive_json_from())["message"]
    await me.send_to(text_data="x" * 5000)
    assert "at most 4 kB" in (await me.receive_json_from())["message"]
    await me.disconnect()


async def test_a_room_sees_who_is_connected_and_its_own_messages(
    event, phases, grouped, participant, facilitator, organiser
):
    me, _, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(participant))
    await me.receive_json_from()
    await me.receive_json_from()
    colleague, _, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(facilitator))
    presence = await me.receive_json_from(timeout=5)
    assert set(presence["connected"]) == {participant.pk, facilitator.pk}
    group2 = await database_sync_to_async(lambda: grouped.groups.get(number=2))()
    await database_sync_to_async(services.message_broadcast)(
        event=event, text="Only group 2", user=organiser, group=group2
    )
    group1 = await database_sync_to_async(lambda: grouped.groups.get(number=1))()
    await database_sync_to_async(services.message_broadcast)(
        event=event, text="Only group 1", user=organiser, group=group1
    )
    message = await me.receive_json_from(timeout=5)
    assert message == {
        "type": "room.message",
        "version": event.live_version,  # the event's version the message was sent at
        "id": message["id"],
        "text": "Only group 1",
        "at": message["at"],
    }
    await colleague.disconnect()
    presence = await me.receive_json_from(timeout=5)
    assert presence["connected"] == [participant.pk]
    await me.disconnect()


async def test_person_streams_refuse_outsiders(event, participant, outsider):
    for headers in ([], [await cookie_for_person(outsider)]):
        communicator, connected, code = await open_stream(f"/ws/events/{event.slug}/me/", *headers)
        assert not connected and code == 4403
        await communicator.disconnect()


async def test_control_room_stream_is_for_the_events_organisers(event, phases, organiser, other_organiser, participant):
    path = f"/ws/events/{event.slug}/control/"
    for headers in ([], [await cookie_for_user(other_organiser)], [await cookie_for_person(participant)]):
        communicator, connected, _ = await open_stream(path, *headers)
        assert not connected
        await communicator.disconnect()
    control, connected, _ = await open_stream(path, await cookie_for_user(organiser))
    assert connected
    assert (await control.receive_json_from())["type"] == "event.state"
    late = await database_sync_to_async(lambda: participant)()
    await database_sync_to_async(services.participant_check_in_and_seat)(participant=late)
    assert (await control.receive_json_from(timeout=5))["type"] == "control.changed"
    await control.disconnect()


async def test_the_presenters_slide_reaches_the_peoples_streams_and_not_the_control_rooms(
    event, grouped, participant, organiser
):
    """`plenary.slide` goes to the event's group: a person's stream forwards it as it is; the
    control room's, on the same group, skips it and goes on with what follows."""
    me, _, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(participant))
    assert (await me.receive_json_from())["type"] == "event.state"
    assert (await me.receive_json_from())["type"] == "room.presence"
    control, _, _ = await open_stream(f"/ws/events/{event.slug}/control/", await cookie_for_user(organiser))
    assert (await control.receive_json_from())["type"] == "event.state"
    group = await database_sync_to_async(lambda: grouped.groups.get(number=2))()
    await database_sync_to_async(presentation_update)(event=event, group=group)
    heard = await me.receive_json_from(timeout=5)
    assert (heard["type"], heard["version"]) == ("plenary.slide", 1) and 'id="closing-now"' in heard["html"]["en"]
    assert await control.receive_nothing(timeout=0.5)
    await database_sync_to_async(streams.control_changed)(event)
    assert (await control.receive_json_from(timeout=5))["type"] == "control.changed"
    await me.disconnect()
    await control.disconnect()


async def test_a_foreign_origin_cannot_open_a_person_stream(event, participant):
    communicator = WebsocketCommunicator(
        application,
        f"/ws/events/{event.slug}/me/",
        headers=[(b"origin", b"https://evil.example"), await cookie_for_person(participant)],
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()
