"""The plenary's "world so far" on a screen that needs no account shows only the public results
(the released figures of the sites that opted in, when the dialogue's results are public); the
comparison with every site is for the event's signed-in organisers."""

import json
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.test import Client

from infrastructure.caching import clear_process_caches
from results import streams
from results.models import PlenarySettings
from results.plenary_selectors import plenary_snapshot
from results.streams import ANONYMOUS, STAFF, plenary_group_name
from tests.dialogues.scenarios import make_two_sites

# France (opted in): 4 of 6 "opportunity"; Kenya (not opted in): 1 of 5. Kenya's plenary compares
# with the world: 5 of 11 (45.5 %) for its organisers, France's 66.7 % at most for anyone else.
LIVE_WORLD = {"percent": 45.5, "n": 11}
PUBLIC_WORLD = {"percent": 66.7, "n": 6}


@pytest.fixture
def world(dialogue, django_user_model):
    cache.clear()
    clear_process_caches()
    sites = make_two_sites(dialogue, france_tags="")
    kenya = sites["kenya"]
    PlenarySettings.objects.update_or_create(event=kenya, defaults={"results_visible": True, "world_scope": "global"})
    organiser = django_user_model.objects.create_user(username="ke-org", email="ke@example.org", password="x" * 12)
    kenya.organisation.members.add(organiser)
    return {**sites, "organiser": organiser}


def _compared(snapshot) -> dict | None:
    q1 = snapshot["sessions"][0]["questions"][0]
    return {o["code"]: o["reference"] for o in q1["options"]}["opportunity"]


def _page_snapshot(client, event) -> dict:
    page = client.get(f"/events/{event.slug}/plenary/{event.plenary_token}/").content.decode()
    found = page.split('<script id="plenary-snapshot" type="application/json">')[1].split("</script>")[0]
    return json.loads(found)


@pytest.mark.django_db
def test_without_public_results_the_anonymous_screen_shows_no_comparison(dialogue, world):
    kenya = world["kenya"]
    anonymous = plenary_snapshot(kenya)
    assert anonymous["reference"] is None and _compared(anonymous) is None
    assert plenary_snapshot(kenya, staff=True)["reference"]["live"] is True
    assert _compared(plenary_snapshot(kenya, staff=True)) == LIVE_WORLD
    # The page: the same for a reader without an account, the comparison for the organiser.
    assert _page_snapshot(Client(), kenya)["reference"] is None
    signed_in = Client()
    signed_in.force_login(world["organiser"])
    assert _compared(_page_snapshot(signed_in, kenya)) == LIVE_WORLD


@pytest.mark.django_db
def test_with_public_results_the_anonymous_screen_compares_with_them_only(dialogue, world):
    dialogue.public = True
    dialogue.save()
    kenya = world["kenya"]
    anonymous = plenary_snapshot(kenya)
    assert anonymous["reference"]["live"] is True and anonymous["reference"]["sites_reported"] == 1
    assert _compared(anonymous) == PUBLIC_WORLD  # France only: Kenya did not opt in
    assert _compared(_page_snapshot(Client(), kenya)) == PUBLIC_WORLD
    # A signed-in organiser of another event is no organiser of this one.
    stranger = Client()
    stranger.force_login(world["france"].organisation.members.create(username="fr", email="fr@example.org"))
    assert _compared(_page_snapshot(stranger, kenya)) == PUBLIC_WORLD


@pytest.mark.django_db
def test_a_scope_without_public_figures_gives_the_anonymous_screen_no_comparison(dialogue, world):
    dialogue.public = True
    dialogue.save()
    PlenarySettings.objects.filter(event=world["kenya"]).update(world_scope="country:Kenya")
    assert plenary_snapshot(world["kenya"])["reference"] is None
    assert plenary_snapshot(world["kenya"], staff=True)["reference"]["scope"] == "country:Kenya"


@pytest.mark.django_db
def test_a_broadcast_sends_each_audience_its_own_comparison(dialogue, world):
    with mock.patch.object(streams, "send_on_commit") as send:
        streams.plenary_broadcast(event_id=world["kenya"].pk)
    sent = {group: payload for (group, payload), _kw in send.call_args_list}
    kenya_id = world["kenya"].pk
    assert set(sent) == {plenary_group_name(kenya_id, ANONYMOUS), plenary_group_name(kenya_id, STAFF)}
    assert sent[plenary_group_name(kenya_id, ANONYMOUS)]["reference"] is None
    assert _compared(sent[plenary_group_name(kenya_id, STAFF)]) == LIVE_WORLD


def _cookie_of(user) -> tuple[bytes, bytes]:
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
    )
    session.create()
    return (b"cookie", f"sessionid={session.session_key}".encode())


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_stream_gives_the_comparison_to_signed_in_organisers_only(dialogue, world):
    from wetheinternet.asgi import application

    kenya = world["kenya"]
    path = f"/ws/events/{kenya.slug}/plenary/{kenya.plenary_token}/"
    origin = (b"origin", b"http://localhost")
    anonymous = WebsocketCommunicator(application, path, headers=[origin])
    connected, _ = await anonymous.connect()
    assert connected
    assert (await anonymous.receive_json_from(timeout=5))["reference"] is None
    await anonymous.disconnect()
    cookie = await sync_to_async(_cookie_of)(world["organiser"])
    organiser = WebsocketCommunicator(application, path, headers=[origin, cookie])
    connected, _ = await organiser.connect()
    assert connected
    assert _compared(await organiser.receive_json_from(timeout=5)) == LIVE_WORLD
    await organiser.disconnect()
