"""Websocket routes: authorised, refused, snapshot on connect, update on change."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore

from sessions_app.auth import SESSION_KEY, participant_session_entry
from wetheinternet.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://localhost")


@database_sync_to_async
def session_cookie_for(participant) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = {str(participant.event_id): participant_session_entry(participant)}
    session.create()
    return f"sessionid={session.session_key}".encode()


async def connect(path, headers=(ORIGIN,)):
    communicator = WebsocketCommunicator(application, path, headers=list(headers))
    connected, code = await communicator.connect()
    return communicator, connected, code


async def test_plenary_sends_snapshot_with_the_right_token(event):
    communicator, connected, _ = await connect(f"/ws/events/{event.slug}/plenary/{event.plenary_token}/")
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "plenary.snapshot" and snapshot["event"] == event.slug and "version" in snapshot
    await communicator.send_to(text_data="{not json")
    assert "not valid JSON" in (await communicator.receive_json_from())["message"]
    await communicator.send_json_to({"type": "refresh"})
    assert (await communicator.receive_json_from())["type"] == "plenary.snapshot"
    await communicator.disconnect()


async def test_plenary_refuses_a_wrong_token(event):
    communicator, connected, code = await connect(f"/ws/events/{event.slug}/plenary/wrong/")
    assert not connected and code == 4403
    await communicator.disconnect()


async def test_a_foreign_origin_is_refused(event):
    communicator, connected, _ = await connect(
        f"/ws/events/{event.slug}/plenary/{event.plenary_token}/", headers=[(b"origin", b"https://evil.example")]
    )
    assert not connected
    await communicator.disconnect()


async def test_an_unknown_websocket_path_is_refused_cleanly():
    communicator, connected, code = await connect("/ws/nothing/here/")
    assert not connected and code == 4404
    await communicator.disconnect()
