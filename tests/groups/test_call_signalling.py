"""The room's video call: signalling relayed over the person's stream, only within one group,
every message named by the server with its sender, bad signals refused (real channel layer)."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from groups import calls, services
from groups.consumers import ParticipantConsumer
from groups.models import GroupMembership
from infrastructure.consumers import MessageBudget
from tests.groups.test_consumers import cookie_for_person, open_stream

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

OFFER = {"type": "offer", "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}
CANDIDATE = {
    "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
    "usernameFragment": "abcd",
}


async def next_of(stream, kind, timeout=5):
    """The next message of type `kind` (presence and state updates in between are skipped)."""
    while True:
        message = await stream.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message


async def heard(stream, seconds=0.5) -> list[dict]:
    """Every message that arrives within `seconds`."""
    messages = []
    while not await stream.receive_nothing(timeout=seconds):
        messages.append(await stream.receive_json_from())
    return messages


@database_sync_to_async
def people_of(grouped):
    def members(number):
        group = grouped.groups.get(number=number)
        return group, [m.participant for m in GroupMembership.objects.filter(group=group).select_related("participant")]

    return members(1), members(2)


async def join(event, person):
    stream, connected, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(person))
    assert connected
    await stream.send_json_to({"type": "call.join"})
    ready = await next_of(stream, "call.ready")
    assert ready["peer"] == f"p{person.pk}"
    assert (await next_of(stream, "call.join"))["from"] == ready["peer"]  # its own arrival, which pages skip
    return stream


@pytest.fixture
def breakout(event, phases, grouped):
    services.phase_start(event=event, phase=phases[1])
    return grouped


async def test_members_of_a_room_signal_each_other_named_by_the_server(event, breakout, participant, facilitator):
    me = await join(event, participant)
    colleague = await join(event, facilitator)
    joined = await next_of(me, "call.join")
    assert joined == {
        "type": "call.join",
        "from": f"p{facilitator.pk}",
        "name": facilitator.first_name,
        "role": "facilitator",
    }
    await colleague.send_json_to({"type": "call.signal", "to": f"p{participant.pk}", "description": OFFER})
    offer = await next_of(me, "call.signal")
    assert offer["from"] == f"p{facilitator.pk}" and offer["description"] == OFFER and "candidate" not in offer
    await me.send_json_to({"type": "call.signal", "to": f"p{facilitator.pk}", "candidate": CANDIDATE})
    candidate = await next_of(colleague, "call.signal")
    assert candidate["from"] == f"p{participant.pk}" and candidate["candidate"] == CANDIDATE
    # A sender cannot name itself: "from" is not a field clients may send.
    await colleague.send_json_to(
        {"type": "call.signal", "to": f"p{participant.pk}", "from": "p1", "description": OFFER}
    )
    assert "no field “from”" in (await next_of(colleague, "error"))["message"]
    await colleague.send_json_to({"type": "call.leave"})
    assert (await next_of(me, "call.leave"))["from"] == f"p{facilitator.pk}"
    # Out of the call: no more signals from it.
    await colleague.send_json_to({"type": "call.signal", "to": f"p{participant.pk}", "description": OFFER})
    assert "not in your room's call" in (await next_of(colleague, "error"))["message"]
    await colleague.disconnect()
    await me.disconnect()


async def test_a_member_of_group_b_cannot_signal_group_a(event, breakout, participant):
    (_, group_a), (_, group_b) = await people_of(breakout)
    me = await join(event, participant)
    stranger = await join(event, group_b[0])
    for target in (f"p{participant.pk}", f"p{group_a[1].pk}", "o999999", f"p{group_b[0].pk}"):
        await stranger.send_json_to({"type": "call.signal", "to": target, "description": OFFER})
        assert "not in your room's call" in (await next_of(stranger, "error"))["message"]
    assert not [m for m in await heard(me) if m["type"].startswith("call.")]
    await stranger.disconnect()
    await me.disconnect()


async def test_bad_signals_are_refused_and_the_connection_stays_usable(event, breakout, participant, facilitator):
    me = await join(event, participant)
    colleague = await join(event, facilitator)
    to = f"p{participant.pk}"
    bad = [
        {"type": "call.signal", "description": OFFER},
        {"type": "call.signal", "to": to},
        {"type": "call.signal", "to": to, "description": OFFER, "candidate": CANDIDATE},
        {"type": "call.signal", "to": "p-1", "description": OFFER},
        {"type": "call.signal", "to": "p" + "9" * 20, "description": OFFER},
        {"type": "call.signal", "to": 12, "description": OFFER},
        {"type": "call.signal", "to": to, "description": {"type": "pranswer", "sdp": OFFER["sdp"]}},
        {"type": "call.signal", "to": to, "description": {"type": "offer", "sdp": "hello"}},
        {"type": "call.signal", "to": to, "description": {"type": "offer", "sdp": "v=0\r\n<script>\x07"}},
        {"type": "call.signal", "to": to, "description": {**OFFER, "extra": 1}},
        {"type": "call.signal", "to": to, "description": {"type": "offer", "sdp": "v=0" + "a" * 12_000}},
        {"type": "call.signal", "to": to, "candidate": {**CANDIDATE, "sdpMLineIndex": 10**6}},
        {"type": "call.signal", "to": to, "candidate": {**CANDIDATE, "sdpMLineIndex": True}},
        {"type": "call.signal", "to": to, "candidate": {**CANDIDATE, "candidate": "x" * 1001}},
        {"type": "call.signal", "to": to, "candidate": {**CANDIDATE, "evil": "x"}},
        {"type": "call.signal", "to": to, "candidate": "candidate:1"},
    ]
    for message in bad:
        await colleague.send_json_to(message)
        assert (await next_of(colleague, "error"))["message"], message
    await colleague.send_to(
        text_data=json.dumps({"type": "call.signal", "to": to, "description": {**OFFER, "sdp": "v=0\x00"}})
    )
    assert "NUL" in (await next_of(colleague, "error"))["message"]
    await colleague.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 5000}))
    assert "at most 4 kB" in (await next_of(colleague, "error"))["message"]
    await colleague.send_to(text_data="x" * 20_000)
    assert "at most 4 kB" in (await next_of(colleague, "error"))["message"]
    assert not [m for m in await heard(me) if m["type"] == "call.signal"]
    # Still usable: a good signal goes through, a large (10 kB) description too.
    large = {"type": "offer", "sdp": "v=0\r\n" + "a=x\r\n" * 2000}
    await colleague.send_json_to({"type": "call.signal", "to": to, "description": large})
    assert (await next_of(me, "call.signal"))["description"] == large
    await colleague.disconnect()
    await me.disconnect()


async def test_only_members_join_and_only_while_the_rooms_are_open(event, phases, grouped, participant):
    stream, _, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(participant))
    await stream.send_json_to({"type": "call.join"})  # no phase running yet
    assert "while the rooms are open" in (await next_of(stream, "error"))["message"]
    await stream.disconnect()


async def test_a_person_moved_leaves_the_first_call_and_may_join_the_second(event, breakout, participant):
    (_, group_a), (group_b, members_b) = await people_of(breakout)
    mover = next(p for p in group_a if p.pk != participant.pk and p.role == "participant")
    me = await join(event, participant)
    them = await join(event, mover)
    b_member = await join(event, members_b[0])
    await next_of(me, "call.join")
    await database_sync_to_async(services.membership_move)(participant=mover, group=group_b)
    assert (await next_of(me, "call.leave"))["from"] == f"p{mover.pk}"
    await next_of(them, "call.ended")
    await them.send_json_to({"type": "call.signal", "to": f"p{participant.pk}", "description": OFFER})
    assert "not in your room's call" in (await next_of(them, "error"))["message"]
    await them.send_json_to({"type": "call.join"})
    await next_of(them, "call.ready")
    assert (await next_of(b_member, "call.join"))["from"] == f"p{mover.pk}"
    await them.send_json_to({"type": "call.signal", "to": f"p{members_b[0].pk}", "description": OFFER})
    assert (await next_of(b_member, "call.signal"))["from"] == f"p{mover.pk}"
    assert not [m for m in await heard(me) if m["type"] == "call.signal"]
    for stream in (me, them, b_member):
        await stream.disconnect()


async def test_an_organiser_observing_a_room_joins_its_call_as_organiser(event, breakout, participant, organiser):
    from tests.groups.test_consumers import cookie_for_user

    (group_a, _), _ = await people_of(breakout)
    me = await join(event, participant)
    control, connected, _ = await open_stream(f"/ws/events/{event.slug}/control/", await cookie_for_user(organiser))
    assert connected
    for bad in ({"type": "call.join"}, {"type": "call.join", "group": 10**9}, {"type": "call.join", "group": "1"}):
        await control.send_json_to(bad)
        assert (await next_of(control, "error"))["message"]
    await control.send_json_to({"type": "call.join", "group": group_a.pk})
    ready = await next_of(control, "call.ready")
    assert ready["peer"] == f"o{organiser.pk}"
    joined = await next_of(me, "call.join")
    assert joined["from"] == f"o{organiser.pk}" and joined["role"] == "organiser"
    await control.send_json_to({"type": "call.signal", "to": f"p{participant.pk}", "description": OFFER})
    assert (await next_of(me, "call.signal"))["from"] == f"o{organiser.pk}"
    await me.send_json_to({"type": "call.signal", "to": f"o{organiser.pk}", "candidate": CANDIDATE})
    assert (await next_of(control, "call.signal"))["candidate"] == CANDIDATE
    await control.disconnect()
    assert (await next_of(me, "call.leave"))["from"] == f"o{organiser.pk}"
    await me.disconnect()


@database_sync_to_async
def crowd_group_of(participant, extra: int):
    """`extra` more people in the participant's group."""
    from tests.factories import make_person

    membership = GroupMembership.objects.get(participant=participant, group__allocation__is_current=True)
    for i in range(extra):
        person = make_person(participant.event, first_name=f"Extra{i}", languages="en")
        GroupMembership.objects.create(
            allocation=membership.allocation, group=membership.group, participant=person, role="participant"
        )


async def test_a_room_larger_than_a_call_holds_is_told_so(event, breakout, participant):
    await crowd_group_of(participant, calls.MOST_IN_A_CALL - 3)  # 4 members already: 9 in all
    stream, _, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(participant))
    await stream.send_json_to({"type": "call.join"})
    message = (await next_of(stream, "error"))["message"]
    assert f"more than {calls.MOST_IN_A_CALL} people" in message and "Jitsi" in message
    assert not [m for m in await heard(stream) if m["type"] == "call.ready"]
    await stream.disconnect()


async def test_a_flood_of_messages_is_cut_and_the_connection_recovers(event, breakout, participant, facilitator):
    me = await join(event, participant)
    colleague = await join(event, facilitator)
    sent = 3000  # cheap to refuse one by one (an unknown type): only the budget stops them
    for _ in range(sent):
        await colleague.send_to(text_data='{"type": "call.nonsense"}')
    answers = [m for m in await heard(colleague, 1.0) if m["type"] == "error"]
    flood = [m for m in answers if "Too many messages" in m["message"]]
    handled = len(answers) - len(flood)
    assert ParticipantConsumer.message_burst <= handled < sent / 2  # most never reached a handler
    assert 1 <= len(flood) <= 10  # told once a second, not once per dropped message
    await asyncio.sleep(ParticipantConsumer.message_burst / ParticipantConsumer.message_rate)
    await colleague.send_json_to({"type": "call.signal", "to": f"p{participant.pk}", "description": OFFER})
    assert (await next_of(me, "call.signal"))["description"] == OFFER  # the connection is usable again
    await colleague.disconnect()
    await me.disconnect()


@pytest.mark.django_db(transaction=False)
def test_the_message_budget_refills_at_its_rate():
    now = [0.0]
    budget = MessageBudget(3, 2.0, clock=lambda: now[0])
    assert [budget.take() for _ in range(4)] == [True, True, True, False]
    now[0] = 0.4  # 0.8 of a message back: still none
    assert budget.take() is False
    now[0] = 0.6
    assert budget.take() is True and budget.take() is False
    now[0] = 100.0  # never more than the burst
    assert sum(budget.take() for _ in range(10)) == 3
