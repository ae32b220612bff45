"""A person's stream stays bound to what opened it: a withdrawn or reissued link closes it, a move
or a new grouping takes it out of the old room and into the new one."""

import pytest
from channels.db import database_sync_to_async
from django.db.models import F

from groups import services
from groups.models import Allocation, GroupMembership
from groups.services import GroupPlan, allocation_apply
from sessions_app import services as people_services
from sessions_app.models import Event, Participant
from tests.groups.test_consumers import cookie_for_person, open_stream

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def opened(event, participant):
    """A person's stream, past its snapshot and first presence."""
    stream, connected, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(participant))
    assert connected
    assert (await stream.receive_json_from(timeout=5))["type"] == "event.state"
    assert (await stream.receive_json_from(timeout=5))["type"] == "room.presence"
    return stream


async def received(stream, seconds=1.0) -> list[dict]:
    """Every message the client gets until nothing more comes for `seconds`."""
    messages = []
    while not await stream.receive_nothing(timeout=seconds):
        messages.append(await stream.receive_json_from())
    return messages


async def closed_with(stream) -> int:
    """The close code, once the server closes (messages before it are skipped)."""
    while True:
        output = await stream.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output.get("code")


def group_of(allocation, number):
    return allocation.groups.get(number=number)


broadcast = database_sync_to_async(services.message_broadcast)


@pytest.mark.parametrize("action", ["withdraw", "reissue", "withdraw_then_reissue"])
async def test_a_withdrawn_or_reissued_link_closes_the_open_stream(
    event, phases, grouped, participant, organiser, action
):
    stream = await opened(event, participant)

    def change_link():
        if action in ("withdraw", "withdraw_then_reissue"):
            people_services.participant_revoke_join_link(participant=participant)
        if action in ("reissue", "withdraw_then_reissue"):
            people_services.participant_reissue_join_link(participant=participant)

    await database_sync_to_async(change_link)()
    assert await closed_with(stream) == 4403
    # Nothing broadcast afterwards reaches the closed stream, and the old session opens none again.
    group1 = await database_sync_to_async(group_of)(grouped, 1)
    await broadcast(event=event, text="For group 1", user=organiser, group=group1)
    await broadcast(event=event, text="For everyone", user=organiser)
    assert await stream.receive_nothing(timeout=0.5)
    await stream.disconnect()
    again, connected, code = await open_stream(
        f"/ws/events/{event.slug}/me/", await cookie_for_person_stale(participant)
    )
    assert not connected and code == 4403
    await again.disconnect()


@database_sync_to_async
def cookie_for_person_stale(participant):
    """A session as the browser kept it: the generation it joined with, before the change."""
    from django.contrib.sessions.backends.db import SessionStore

    from sessions_app.auth import SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = {str(participant.event_id): [participant.pk, 1]}
    session.create()
    return (b"cookie", f"sessionid={session.session_key}".encode())


async def test_another_persons_link_change_leaves_a_stream_open(event, phases, grouped, participant, facilitator):
    stream = await opened(event, participant)
    await database_sync_to_async(people_services.participant_reissue_join_link)(participant=facilitator)
    await stream.send_json_to({"type": "ping"})
    assert [m["type"] for m in await received(stream, 0.5)] == ["pong"]
    await stream.disconnect()


async def test_a_lost_notice_is_caught_by_the_next_heartbeat(event, phases, grouped, participant):
    stream = await opened(event, participant)
    # The link changes without the notice reaching the stream (the channel layer may drop it).
    await database_sync_to_async(
        lambda: Participant.objects.filter(pk=participant.pk).update(link_generation=F("link_generation") + 1)
    )()
    await stream.send_json_to({"type": "ping"})
    assert await closed_with(stream) == 4403
    await stream.disconnect()


async def test_a_moved_person_follows_the_new_room_and_leaves_the_old(event, phases, grouped, participant, organiser):
    stream = await opened(event, participant)
    group1 = await database_sync_to_async(group_of)(grouped, 1)
    group2 = await database_sync_to_async(group_of)(grouped, 2)
    await database_sync_to_async(services.membership_move)(participant=participant, group=group2)
    moved = await received(stream)
    version = await database_sync_to_async(
        lambda: Event.objects.values_list("live_version", flat=True).get(pk=event.pk)
    )()
    assert {"type": "person.moved", "group": group2.pk, "version": version} in moved
    await broadcast(event=event, text="Old room", user=organiser, group=group1)
    await broadcast(event=event, text="New room", user=organiser, group=group2)
    texts = [m["text"] for m in await received(stream) if m["type"] == "room.message"]
    assert texts == ["New room"]
    await stream.disconnect()


async def test_new_groups_take_the_stream_out_of_the_old_room(event, phases, grouped, participant, organiser):
    stream = await opened(event, participant)
    old_group1 = await database_sync_to_async(group_of)(grouped, 1)

    @database_sync_to_async
    def form_again():
        others = list(Participant.objects.filter(event=event).exclude(pk=participant.pk).values_list("pk", flat=True))
        allocation = Allocation.objects.create(event=event, seed=2)
        allocation_apply(
            allocation=allocation,
            plans=[GroupPlan(participants=others[:2], language="en"), GroupPlan(participants=[participant.pk])],
        )
        return GroupMembership.objects.get(participant=participant, allocation=allocation).group

    new_group = await form_again()
    state = [m for m in await received(stream) if m["type"] == "event.state"]
    assert state and state[-1]["allocation"] == new_group.allocation_id
    await broadcast(event=event, text="Old grouping", user=organiser, group=old_group1)
    await broadcast(event=event, text="New grouping", user=organiser, group=new_group)
    texts = [m["text"] for m in await received(stream) if m["type"] == "room.message"]
    assert texts == ["New grouping"]
    await stream.disconnect()


async def test_asking_again_follows_a_move_whose_notice_was_lost(event, phases, grouped, participant, organiser):
    stream = await opened(event, participant)
    group1 = await database_sync_to_async(group_of)(grouped, 1)
    group2 = await database_sync_to_async(group_of)(grouped, 2)
    await database_sync_to_async(
        lambda: GroupMembership.objects.filter(participant=participant, group=group1).update(group=group2)
    )()
    await stream.send_json_to({"type": "refresh"})
    snapshot = [m for m in await received(stream) if m["type"] == "event.state"]
    assert snapshot[-1]["group"] == group2.pk
    await broadcast(event=event, text="Old room", user=organiser, group=group1)
    await broadcast(event=event, text="New room", user=organiser, group=group2)
    texts = [m["text"] for m in await received(stream) if m["type"] == "room.message"]
    assert texts == ["New room"]
    await stream.disconnect()
