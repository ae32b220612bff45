"""Who may open what: every page, action and websocket route, for every kind of person.

One table, one place. Each cell is the expected answer:
  A  allowed (the page, or its own redirect or validation answer)
  L  sent to sign in
  F  403, N  404 (events and groups of others do not leak), U  401 (the API wants its token)
  R  the admin's refusal of an object: back to its index
"coordinator" coordinates the dialogue that the event's organisation is a partner of, and
organises no event of its own.
"""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from dialogues.models import Dialogue, DialoguePartner
from groups import services
from groups.models import Allocation
from groups.services import GroupPlan, allocation_apply
from sessions_app.auth import SESSION_KEY, participant_session_entry
from sessions_app.models import Option, Phase, Question, Session
from tests.helpers import log_in_as, make_person

ROLES = [
    "anonymous",
    "other_group",
    "participant",
    "note_taker",
    "facilitator",
    "other_organiser",
    "organiser",
    "coordinator",
]

# (method, path, expected per role in the order of ROLES)
PAGES = [
    ("GET", "/events/{slug}/", "F A A A A F F F"),
    ("POST", "/events/{slug}/check-in/", "F A A A A F F F"),
    ("POST", "/events/{slug}/help/", "F A A A A F F F"),
    ("POST", "/events/{slug}/profile/", "F A A A A F F F"),
    ("POST", "/events/{slug}/sign-out/", "F A A A A F F F"),
    ("GET", "/events/{slug}/vote/", "F A A A A F F F"),
    ("POST", "/events/{slug}/vote/{question}/", "F A A A A F F F"),
    ("GET", "/events/{slug}/control/", "L L L L L N A N"),
    ("GET", "/events/{slug}/people/", "L L L L L N A N"),
    ("POST", "/events/{slug}/control/phase-extend/", "L L L L L N A N"),
    ("POST", "/events/{slug}/control/message/", "L L L L L N A N"),
    ("POST", "/events/{slug}/results/control/plenary/", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/print/", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/export/questions.csv", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/export/results.xlsx", "L L L L L N A N"),
    ("GET", "/events/{slug}/notes/{group}/", "F F F A A N A N"),
    ("GET", "/events/{slug}/notes/{group}/dps/", "F F F A A N A N"),
    ("GET", "/events/{slug}/notes/{group}/dps/state/", "F F F A A N A N"),
    ("POST", "/events/{slug}/notes/{group}/dps/draft/", "F F F A F N F N"),
    ("POST", "/events/{slug}/notes/{group}/dps/submit/", "F F F A F N F N"),
    ("GET", "/events/{slug}/plenary/{token}/", "A A A A A A A A"),
    ("GET", "/events/{slug}/plenary/wrong-token/", "F F F F F F F F"),
    ("GET", "/api/schema.json", "A A A A A A A A"),
    ("GET", "/api/events/{slug}/results/", "U U U U U N A N"),
    ("POST", "/api/events/{slug}/groups/{group}/sessions/dps/results/", "U U U U U U U U"),
    ("GET", "/admin/sessions_app/event/{event}/change/", "L L L L L R A F"),
    ("GET", "/admin/sessions_app/participant/{participant}/change/", "L L L L L R A F"),
    ("GET", "/notes-sw.js", "A A A A A A A A"),
    ("GET", "/events/{slug}/results/paper/", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/paper/template.csv", "L L L L L N A N"),
    ("POST", "/events/{slug}/results/paper/tables/", "L L L L L N A N"),
    # The dialogue: the event's organisation is a partner; "coordinator" coordinates the dialogue.
    ("GET", "/dialogues/{dialogue}/", "L L L L L F F A"),
    ("POST", "/dialogues/{dialogue}/invite/", "L L L L L F F A"),
    ("POST", "/dialogues/{dialogue}/publish/", "L L L L L F F A"),
    ("GET", "/dialogues/{dialogue}/partner/", "L L L L L F A F"),
    ("GET", "/dialogues/{dialogue}/partner/{partner}/", "L L L L L N A N"),
    ("POST", "/dialogues/{dialogue}/partner/{partner}/events/", "L L L L L N A N"),
    ("POST", "/dialogues/{dialogue}/partner/{partner}/public/", "L L L L L N A N"),
    ("GET", "/dialogues/{dialogue}/results/", "L L L L L F A A"),
    ("GET", "/dialogues/{dialogue}/results/figures/", "L L L L L F A A"),
    ("GET", "/dialogues/{dialogue}/results.json", "L L L L L F A A"),
    ("GET", "/public/dialogues/{dialogue}/", "A A A A A A A A"),
    ("GET", "/public/dialogues/{dialogue}/results.csv", "A A A A A A A A"),
    ("GET", "/public/dialogues/{dialogue}/data-dictionary/", "A A A A A A A A"),
    ("GET", "/admin/dialogues/dialogue/{dialogue_pk}/change/", "L L L L L F F A"),
]
# (path, expected per role: C connected, X refused)
STREAMS = [
    ("/ws/events/{slug}/me/", "X C C C C X X X"),
    ("/ws/events/{slug}/control/", "X X X X X X C X"),
    ("/ws/events/{slug}/plenary/{token}/", "C C C C C C C C"),
    ("/ws/events/{slug}/plenary/wrong-token/", "X X X X X X X X"),
]


@pytest.fixture
def world(event, organiser, other_organiser, participant, facilitator, note_taker, django_user_model):
    session = Session.objects.create(event=event, order=1, code="dps", title="Digital public sphere")
    question = Question.objects.create(session=session, order=1, code="q1", kind="single", text="?")
    for order, code in enumerate(["yes", "no"], start=1):
        Option.objects.create(question=question, order=order, code=code, label=code)
    breakout = Phase.objects.create(
        event=event, order=1, kind="breakout", title="Rooms", planned_minutes=45, session=session
    )
    other = make_person(event, first_name="Otto", languages="en")
    allocation = Allocation.objects.create(event=event, seed=1)
    allocation_apply(
        allocation=allocation,
        plans=[
            GroupPlan(participants=[participant.pk], facilitator=facilitator.pk, note_taker=note_taker.pk),
            GroupPlan(participants=[other.pk]),
        ],
    )
    services.phase_start(event=event, phase=breakout)
    group = allocation.groups.get(number=1)
    people = {"other_group": other, "participant": participant, "note_taker": note_taker, "facilitator": facilitator}
    coordinator = django_user_model.objects.create_user(
        username="coordinator", email="coordinator@example.org", password="correct horse battery", is_staff=True
    )
    dialogue = Dialogue.objects.create(title="Dialogue", slug="dialogue", public=True)
    dialogue.coordinators.add(coordinator)
    DialoguePartner.objects.create(
        dialogue=dialogue, organisation=event.organisation, contact_email="partner@example.org", results_public=True
    )
    event.dialogue = dialogue
    event.save()
    users = {"other_organiser": other_organiser, "organiser": organiser, "coordinator": coordinator}
    values = {
        "slug": event.slug,
        "token": event.plenary_token,
        "group": group.pk,
        "question": question.pk,
        "event": event.pk,
        "participant": participant.pk,
        "dialogue": dialogue.slug,
        "dialogue_pk": dialogue.pk,
        "partner": event.organisation.slug,
    }
    return people, users, values


def client_for(role, people, users) -> Client:
    client = Client()
    if role in people:
        log_in_as(client, people[role])
    elif role in users:
        client.force_login(users[role])
    return client


def outcome(response) -> str:
    status, location = response.status_code, response.get("Location", "")
    if status == 302 and "login" in location:
        return "L"
    if status == 302 and location.rstrip("/").endswith("/admin"):
        return "R"  # the admin's own refusal: back to its index
    return {403: "F", 404: "N", 401: "U"}.get(status, "A" if status < 500 else f"{status}!")


@pytest.mark.django_db
def test_every_page_answers_each_role_as_expected(world):
    people, users, values = world
    wrong = []
    for method, template, expected in PAGES:
        path = template.format(**values)
        for role, want in zip(ROLES, expected.split(), strict=True):
            client = client_for(role, people, users)
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data=json.dumps({}), content_type="application/json")
            got = outcome(response)
            if got != want:
                wrong.append(f"{method} {template} as {role}: expected {want}, got {got} ({response.status_code})")
    assert not wrong, "\n".join(wrong)


@database_sync_to_async
def cookie_for(role, people, users):
    session = SessionStore()
    if role in people:
        person = people[role]
        session[SESSION_KEY] = {str(person.event_id): participant_session_entry(person)}
    elif role in users:
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
        from django.contrib.auth import SESSION_KEY as USER_KEY

        user = users[role]
        session.update(
            {
                USER_KEY: str(user.pk),
                BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
        )
    session.create()
    return (b"cookie", f"sessionid={session.session_key}".encode())


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_every_stream_answers_each_role_as_expected(world):
    from wetheinternet.asgi import application

    people, users, values = world
    wrong = []
    for template, expected in STREAMS:
        path = template.format(**values)
        for role, want in zip(ROLES, expected.split(), strict=True):
            headers = [(b"origin", b"http://localhost"), await cookie_for(role, people, users)]
            communicator = WebsocketCommunicator(application, path, headers=headers)
            connected, _ = await communicator.connect()
            await communicator.disconnect()
            if ("C" if connected else "X") != want:
                wrong.append(f"{template} as {role}: expected {want}")
    assert not wrong, "\n".join(wrong)
