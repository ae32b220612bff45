"""Whatever a client sends to a stream, the stream answers an error or does what was asked, and
stays usable: random unicode, huge and negative numbers, deep JSON, wrong types, extra fields.
The real ASGI application, through channels' WebsocketCommunicator."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.groups.test_consumers import cookie_for_person, cookie_for_user
from wetheinternet.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://localhost")

numbers = st.one_of(
    st.integers(min_value=-(10**80), max_value=10**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 2**53 + 1, -(2**63), 10**300]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=40))
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
)
types = st.one_of(st.sampled_from(["refresh", "ping", "", "sudo", "REFRESH", "refresh\x00"]), st.text(max_size=20))
objects = st.builds(
    lambda kind, extra: {**extra, "type": kind} if kind is not None else extra,
    st.one_of(st.none(), types, scalars),
    st.dictionaries(st.text(max_size=10), json_values, max_size=3),
)


def deep(depth: int, opener: str, closer: str) -> str:
    return opener * depth + closer * depth


raw_texts = st.one_of(
    st.text(max_size=200),  # random unicode, lone surrogates included
    st.builds(lambda d: deep(d, "[", "]"), st.integers(1, 2100)),
    st.builds(lambda d: '{"type": "ping", "x": ' + deep(d, "[", "]") + "}", st.integers(1, 2000)),
    st.builds(lambda d: '{"a":' * d + "1" + "}" * d, st.integers(1, 800)),
    st.builds(lambda n: '{"type": "ping", "n": ' + "9" * n + "}", st.integers(1, 5000)),
    st.sampled_from(["NaN", '{"type": "ping", "n": Infinity}', '{"type": "refresh"', "\x00", '"\\ud800"', "[]"]),
)
messages = st.one_of(st.builds(lambda o: json.dumps(o), objects), raw_texts, st.binary(max_size=50))


async def answers_cleanly(stream, expect_types) -> None:
    """The stream's next message is an error or one of the answers the stream gives."""
    answer = await stream.receive_json_from(timeout=5)
    assert answer["type"] in {"error", *expect_types}, answer
    if answer["type"] == "error":
        assert isinstance(answer["message"], str) and answer["message"]


async def still_usable(stream, snapshot_type) -> None:
    await stream.send_json_to({"type": "refresh"})
    while True:
        answer = await stream.receive_json_from(timeout=5)
        if answer["type"] == snapshot_type:
            return


def fuzz(path_and_cookie, snapshot_type, answer_types):
    """A hypothesis test: one stream per example, every message answered, the stream usable after."""

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(sent=st.lists(messages, min_size=1, max_size=4))
    async def test(sent, event, phases, grouped, participant, organiser):
        path, headers = await path_and_cookie(event, participant, organiser)
        stream = WebsocketCommunicator(application, path, headers=[ORIGIN, *headers])
        connected, _ = await stream.connect()
        assert connected
        assert (await stream.receive_json_from(timeout=5))["type"] == snapshot_type
        for frame in sent:
            if isinstance(frame, bytes):
                await stream.send_input({"type": "websocket.receive", "bytes": frame})
            else:
                await stream.send_input({"type": "websocket.receive", "text": frame})
            await answers_cleanly(stream, answer_types)
        await still_usable(stream, snapshot_type)
        await stream.disconnect()

    return test


async def person(event, participant, organiser):
    return f"/ws/events/{event.slug}/me/", [await cookie_for_person(participant)]


async def control_room(event, participant, organiser):
    return f"/ws/events/{event.slug}/control/", [await cookie_for_user(organiser)]


async def plenary(event, participant, organiser):
    token = await database_sync_to_async(lambda: event.plenary_token)()
    return f"/ws/events/{event.slug}/plenary/{token}/", []


# The person's stream also hears its own presence (room.presence) and the control room's notices.
test_the_person_stream_survives_any_message = fuzz(person, "event.state", {"event.state", "pong", "room.presence"})
test_the_control_room_stream_survives_any_message = fuzz(
    control_room, "event.state", {"event.state", "control.presence", "control.changed"}
)
test_the_plenary_stream_survives_any_message = fuzz(plenary, "plenary.snapshot", {"plenary.snapshot"})


async def test_the_known_attacks_get_their_own_error(event, phases, grouped, participant):
    stream = WebsocketCommunicator(
        application, f"/ws/events/{event.slug}/me/", headers=[ORIGIN, await cookie_for_person(participant)]
    )
    assert (await stream.connect())[0]
    await stream.receive_json_from()
    await stream.receive_json_from()  # presence
    expected = {
        deep(1500, "[", "]"): "nested too deeply",
        '{"type": "ping", "x": [[[[[1]]]]]}': "nested too deeply",
        '{"type": "ping", "n": NaN}': "finite",
        '{"type": "ping", "n": 99999999999999999999}': "too large",
        '{"type": "ping\\u0000"}': "NUL",
        '{"type": "ping", "x": "\\ud800"}': "NUL character or a lone surrogate",
        '{"type": "ping", "x": 1}': "no field “x”",
        '{"type": "sudo"}': "Unknown message type “sudo”",
        "é" * 2100: "at most 4 kB",  # 2,100 characters but 4,200 bytes
    }
    for text, words in expected.items():
        await stream.send_to(text_data=text)
        answer = await stream.receive_json_from(timeout=5)
        assert answer["type"] == "error" and words in answer["message"], (text[:40], answer)
    await stream.send_json_to({"type": "ping"})
    assert (await stream.receive_json_from(timeout=5))["type"] == "pong"
    await stream.disconnect()
