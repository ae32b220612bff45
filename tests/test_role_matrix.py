"""Who may open what: every page, action and websocket route, for every kind of person.

One table, one place. Each cell is the expected answer:
  A  allowed (the page, or its own redirect or validation answer)
  L  sent to sign in
  F  403, N  404 (events and groups of others do not leak), U  401 (the API wants its token)
  R  the admin's refusal of an object: back to its index
"coordinator" coordinates the dialogue that the event's organisation is a partner of, and
organises no event of its own.
Every URL pattern of the product and every websocket route must have a row: the last tests name
any that has none (the admin, allauth and the language switch are left to their own checks).
"""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from dialogues.models import Dialogue, DialoguePartner
from groups import services
from groups.models import Allocation
from groups.services import GroupPlan, allocation_apply
from results.phone_votes import vote_code_of
from sessions_app.auth import SESSION_KEY, participant_session_entry
from sessions_app.join_links import join_token_make
from sessions_app.models import Option, Phase, Question, Session
from tests.factories import make_person, make_user
from tests.helpers import log_in_as

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
    ("GET", "/", "A A A A A A A A"),
    ("GET", "/healthz", "A A A A A A A A"),
    ("GET", "/join/{join}/", "A A A A A A A A"),
    ("GET", "/join/wrong-token/", "F F F F F F F F"),
    ("GET", "/events/{slug}/", "F A A A A F F F"),
    ("POST", "/events/{slug}/check-in/", "F A A A A F F F"),
    ("POST", "/events/{slug}/help/", "F A A A A F F F"),
    ("POST", "/events/{slug}/profile/", "F A A A A F F F"),
    ("POST", "/events/{slug}/sign-out/", "F A A A A F F F"),
    ("GET", "/events/{slug}/closing/", "F A A A A F F F"),
    ("POST", "/events/{slug}/closing/feedback/", "F A A A A F F F"),
    ("GET", "/events/{slug}/vote/", "F A A A A F F F"),
    ("POST", "/events/{slug}/vote/{question}/", "F A A A A F F F"),
    # Votes from a phone with the slides' code: open voting is off here (its own tests switch it on)
    ("GET", "/v/{vote_code}/", "A A A A A A A A"),
    ("GET", "/v/WRONG2/", "N N N N N N N N"),
    ("POST", "/v/{vote_code}/{question}/", "F A A A A F F F"),
    ("POST", "/v/WRONG2/{question}/", "N N N N N N N N"),
    ("GET", "/events/{slug}/control/", "L L L L L N A N"),
    ("GET", "/events/{slug}/people/", "L L L L L N A N"),
    ("GET", "/events/{slug}/control/rooms/{group}/", "L L L L L N A N"),
    ("POST", "/events/{slug}/control/phase-extend/", "L L L L L N A N"),
    ("POST", "/events/{slug}/control/message/", "L L L L L N A N"),
    ("POST", "/events/{slug}/results/control/plenary/", "L L L L L N A N"),
    ("POST", "/events/{slug}/results/control/presenter/", "L L L L L N A N"),
    ("GET", "/events/{slug}/control/recommendations/", "L L L L L N A N"),
    ("POST", "/events/{slug}/control/recommendations/curate/", "L L L L L N A N"),
    ("POST", "/events/{slug}/control/recommendations/group/", "L L L L L N A N"),
    ("POST", "/events/{slug}/control/recommendations/translate/", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/print/", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/export/questions.csv", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/export/results.xlsx", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/export/feedback.csv", "L L L L L N A N"),
    ("GET", "/events/{slug}/results/export/zoom-round-1.csv", "L L L L L N A N"),
    ("GET", "/events/{slug}/notes/{group}/", "F F F A A N A N"),
    ("GET", "/events/{slug}/notes/{group}/dps/", "F F F A A N A N"),
    ("GET", "/events/{slug}/notes/{group}/dps/state/", "F F F A A N A N"),
    ("POST", "/events/{slug}/notes/{group}/dps/draft/", "F F F A F N F N"),
    ("POST", "/events/{slug}/notes/{group}/dps/submit/", "F F F A F N F N"),
    ("GET", "/events/{slug}/plenary/{token}/", "A A A A A A A A"),
    ("GET", "/events/{slug}/plenary/wrong-token/", "F F F F F F F F"),
    ("GET", "/events/{slug}/plenary/{token}/?present=1", "A A A A A A A A"),
    ("GET", "/events/{slug}/plenary/{token}/?present=1&deck=1", "A A A A A A A A"),
    ("GET", "/events/{slug}/plenary/wrong-token/?present=1&deck=1", "F F F F F F F F"),
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
    ("POST", "/dialogues/{dialogue}/partner/{partner}/recommendations/", "L L L L L N A N"),
    ("GET", "/dialogues/accept/wrong-token/", "A A A A A A A A"),  # its own answer: the link is invalid
    ("GET", "/dialogues/{dialogue}/results/", "L L L L L F A A"),
    ("GET", "/dialogues/{dialogue}/results/figures/", "L L L L L F A A"),
    ("GET", "/dialogues/{dialogue}/results.json", "L L L L L F A A"),
    ("GET", "/dialogues/{dialogue}/recommendations.csv", "L L L L L F A A"),
    ("GET", "/dialogues/{dialogue}/recommendations.xlsx", "L L L L L F A A"),
    ("GET", "/public/dialogues/{dialogue}/", "A A A A A A A A"),
    ("GET", "/public/dialogues/{dialogue}/results.csv", "A A A A A A A A"),
    ("GET", "/public/dialogues/{dialogue}/data-dictionary/", "A A A A A A A A"),
    ("GET", "/public/dialogues/{dialogue}/results.json", "A A A A A A A A"),
    ("GET", "/public/dialogues/{dialogue}/recommendations.csv", "A A A A A A A A"),
    ("GET", "/public/dialogues/{dialogue}/data-dictionary.json", "A A A A A A A A"),
    ("POST", "/dialogues/{dialogue}/partner/{partner}/accept/", "L L L L L N A N"),  # last: it accepts
    ("GET", "/admin/dialogues/dialogue/{dialogue_pk}/change/", "L L L L L F F A"),
]
# (path, expected per role: C connected, X refused)
STREAMS = [
    ("/ws/events/{slug}/me/", "X C C C C X X X"),
    ("/ws/events/{slug}/control/", "X X X X X X C X"),
    ("/ws/events/{slug}/plenary/{token}/", "C C C C C C C C"),
    ("/ws/events/{slug}/plenary/wrong-token/", "X X X X X X X X"),
    ("/ws/unknown/", "X X X X X X X X"),
]


@pytest.fixture
def world(event, organiser, other_organiser, participant, facilitator, note_taker):
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
    coordinator = make_user("coordinator")
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
        "join": join_token_make(participant),
        "group": group.pk,
        "question": question.pk,
        "event": event.pk,
        "participant": participant.pk,
        "dialogue": dialogue.slug,
        "dialogue_pk": dialogue.pk,
        "partner": event.organisation.slug,
        "vote_code": vote_code_of(event),
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


# --- Every route has a row --------------------------------------------------------------------

# Third-party and framework URLs, checked as groups: the admin (its rows above stand for its
# pages, which refuse by its own permissions), allauth's sign-in pages and the language switch.
NOT_IN_THE_MATRIX = ("admin/", "accounts/", "i18n/")
SAMPLE_VALUES = {
    "slug": "day-0",
    "token": "a-token",
    "vote_code": "ABC234",
    "join": "a-token",
    "group": 1,
    "question": 1,
    "event": 1,
    "participant": 1,
    "dialogue": "dialogue",
    "dialogue_pk": 1,
    "partner": "partner-a",
}


def routes(patterns, prefix=""):
    """(full route, name) of every URL pattern under `patterns`, includes walked."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        else:
            yield route, entry.name or getattr(entry.callback, "__name__", repr(entry.callback))


def uncovered(patterns, paths) -> list[str]:
    """The routes of `patterns` that none of `paths` reaches."""
    resolver = URLResolver(RegexPattern(r"^/"), patterns)
    reached = {resolver.resolve(path).route for path in paths}
    return [
        f"{name} ({route})"
        for route, name in routes(patterns)
        if route not in reached and not route.startswith(NOT_IN_THE_MATRIX)
    ]


def test_every_url_pattern_has_a_row_in_the_matrix():
    # A row may add a query (the plenary's presenter mode, ?present=1): the route is its path.
    paths = [template.format(**SAMPLE_VALUES).partition("?")[0] for _method, template, _expected in PAGES]
    missing = uncovered(get_resolver().url_patterns, paths)
    assert not missing, "URL patterns without a row in PAGES:\n" + "\n".join(missing)


def test_every_websocket_route_has_a_row_in_the_matrix():
    from wetheinternet.routing import websocket_urlpatterns

    paths = [template.format(**SAMPLE_VALUES) for template, _expected in STREAMS]
    missing = uncovered(websocket_urlpatterns, paths)
    assert not missing, "websocket routes without a row in STREAMS:\n" + "\n".join(missing)


def test_a_route_without_a_row_is_named():
    from django.urls import include, path

    def view(request):
        raise AssertionError("never called")

    patterns = [path("covered/", view, name="covered"), path("new/", include([path("<int:pk>/", view, name="new")]))]
    assert uncovered(patterns, ["/covered/"]) == ["new (new/<int:pk>/)"]
