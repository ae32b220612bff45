"""The Content-Security-Policy: every answer carries the strict policy, and the pages we render
contain nothing that it would block (no inline script code, no style attribute or element, no
event-handler attribute, no javascript: URL)."""

import json
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.factories import make_person
from tests.helpers import log_in_as
from tests.test_role_matrix import PAGES, ROLES, client_for, world  # noqa: F401 (world is a fixture)

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    # The plenary stream's players only (JITSI_DOMAIN, when set, adds its host: tests/groups).
    "frame-src": "https://www.youtube-nocookie.com https://player.vimeo.com",
}
# Types of <script> that are data blocks: the browser never executes them.
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}


def directives(header: str) -> dict[str, str]:
    parts = [part.strip().split(None, 1) for part in header.split(";") if part.strip()]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


class InlineFinder(HTMLParser):
    """Collects everything in a page that a policy without 'unsafe-inline' refuses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict | None = None
        self.scripts_with_src = 0
        self.data_blocks = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            script_url = name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            )
            if name == "style" or name.startswith("on") or script_url:
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self._script = {"attrs": attributes, "text": ""}

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data

    def handle_endtag(self, tag):
        if tag != "script" or self._script is None:
            return
        attrs, text = self._script["attrs"], self._script["text"]
        self._script = None
        if attrs.get("src"):
            self.scripts_with_src += 1
            if text.strip():
                self.problems.append(f"<script src> with inline code: {text.strip()[:60]!r}")
        elif (attrs.get("type") or "").lower() in DATA_BLOCK_TYPES:
            self.data_blocks += 1
            json.loads(text)  # a data block must be data
        elif text.strip():
            self.problems.append(f"inline <script>: {text.strip()[:60]!r}")


def inline_problems(html: str) -> InlineFinder:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder


def test_the_finder_sees_each_kind_of_inline_code():
    page = (
        '<p style="color:red">x</p><button onclick="go()">b</button><style>p{}</style>'
        '<script>alert(1)</script><a href=" JavaScript:alert(1)">a</a>'
        '<script type="application/json">{"a": 1}</script><script src="/static/js/x.js"></script>'
    )
    finder = inline_problems(page)
    assert len(finder.problems) == 5, finder.problems
    assert finder.data_blocks == 1 and finder.scripts_with_src == 1


@pytest.mark.django_db
def test_every_page_of_the_role_matrix_answers_with_the_policy(world):  # noqa: F811
    people, users, values = world
    missing = []
    for method, template, expected in PAGES:
        path = template.format(**values)
        answers = dict(zip(ROLES, expected.split(), strict=True))
        # A refusal and an allowed answer of each page (the header comes from one middleware).
        allowed = [role for role, answer in answers.items() if answer == "A"][:1]
        for role in ["anonymous", *allowed]:
            client = client_for(role, people, users)
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, data=json.dumps({}), content_type="application/json")
            header = response.get("Content-Security-Policy")
            if header is None:
                missing.append(f"{method} {template} as {role} ({response.status_code}): no header")
            elif directives(header) != EXPECTED_DIRECTIVES:
                missing.append(f"{method} {template} as {role}: {header}")
    assert not missing, "\n".join(missing)


def assert_no_inline(response, name):
    assert response.status_code == 200, (name, response.status_code)
    assert "Content-Security-Policy" in response, name
    finder = inline_problems(response.content.decode())
    assert not finder.problems, f"{name}: {finder.problems}"
    return finder


@pytest.mark.django_db
def test_the_main_pages_have_no_inline_script_style_or_handler(world, django_user_model):  # noqa: F811
    people, users, values = world
    slug, group = values["slug"], values["group"]
    event = people["participant"].event

    # A person's room (the break-out phase runs and they are placed) and a lobby (a late joiner).
    room = client_for("participant", people, users).get(f"/events/{slug}/", follow=True)
    assert b'data-view="room"' in room.content
    finder = assert_no_inline(room, "room")
    assert finder.data_blocks >= 1 and finder.scripts_with_src >= 2
    late = Client()
    log_in_as(late, make_person(event, first_name="Late"))
    lobby = late.get(f"/events/{slug}/", follow=True)
    assert b'data-view="lobby"' in lobby.content
    assert_no_inline(lobby, "lobby")
    assert_no_inline(client_for("participant", people, users).get(f"/events/{slug}/vote/"), "vote page")

    organiser = client_for("organiser", people, users)
    control = assert_no_inline(organiser.get(f"/events/{slug}/control/"), "control room")
    assert control.data_blocks >= 1
    assert_no_inline(organiser.get(f"/events/{slug}/control/?panel=1"), "control panel refresh")
    assert_no_inline(organiser.get(f"/events/{slug}/results/print/"), "printable results")
    assert_no_inline(organiser.get(f"/events/{slug}/results/paper/"), "paper tallies")
    assert_no_inline(organiser.get(f"/events/{slug}/control/recommendations/"), "recommendations wall")
    assert_no_inline(Client().get(f"/events/{slug}/plenary/{values['token']}/"), "plenary")
    notes = client_for("note_taker", people, users).get(f"/events/{slug}/notes/{group}/dps/")
    assert_no_inline(notes, "notes form")

    dialogue = values["dialogue"]
    assert_no_inline(client_for("coordinator", people, users).get(f"/dialogues/{dialogue}/"), "coordinator")
    assert_no_inline(client_for("coordinator", people, users).get(f"/dialogues/{dialogue}/results/"), "results")
    assert_no_inline(organiser.get(f"/dialogues/{dialogue}/partner/{values['partner']}/"), "partner page")
    assert_no_inline(Client().get(f"/public/dialogues/{dialogue}/"), "public results")
    assert_no_inline(Client().get(f"/public/dialogues/{dialogue}/data-dictionary/"), "data dictionary")
    assert_no_inline(Client().get("/accounts/login/"), "sign-in")
    assert_no_inline(Client().get("/"), "home")

    missing = Client().get("/no-such-page/")
    assert missing.status_code == 404 and "Content-Security-Policy" in missing
    assert not inline_problems(missing.content.decode()).problems


@pytest.mark.parametrize("name", ["400", "403", "404", "500", "503"])
def test_the_error_pages_render_with_their_stylesheet_and_no_inline_style(name):
    html = render_to_string(f"{name}.html")
    assert "css/error.css" in html
    assert not inline_problems(html).problems


def test_the_dialogue_bars_keep_their_width_without_inline_styles():
    # The server draws a bar's width as an SVG attribute, which the policy does not govern, so
    # the bars are right without JavaScript too.
    cell = {"position": 0, "scope": "global", "suppressed": False, "width": "42.5%", "percent": 42.5, "count": 17}
    question = {
        "code": "q1",
        "text": "?",
        "units": "people",
        "kind": "single",
        "measure": "share",
        "all_suppressed": False,
        "columns": [{"position": 0, "label": "global", "n": 40, "groups": 8, "sites": 2, "mean": None}],
        "options": [{"label": "Yes", "cells": [cell]}],
    }
    html = render_to_string(
        "dialogues/results_question.html",
        {"session": {"code": "dps"}, "q": question, "snapshot": {"min_respondents": 5}},
    )
    assert '<rect width="42.5%" height="100%">' in html
    assert not inline_problems(html).problems


@pytest.mark.django_db
def test_every_admin_changelist_and_our_admin_pages_have_no_inline_code(world, django_user_model):  # noqa: F811
    people, users, values = world
    superuser = django_user_model.objects.create_superuser(
        username="root", email="root@example.org", password="correct horse battery"
    )
    client = Client()
    client.force_login(superuser)
    for model, _model_admin in admin.site._registry.items():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert_no_inline(client.get(url), url)
        if _model_admin.has_add_permission(type("R", (), {"user": superuser})()):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert_no_inline(client.get(add), add)
    assert_no_inline(client.get(reverse("admin:index")), "admin index")

    organiser = client_for("organiser", people, users)
    event_pk, participant_pk = values["event"], values["participant"]
    pages = [
        f"/admin/sessions_app/event/{event_pk}/change/",
        f"/admin/sessions_app/event/{event_pk}/translations/",
        f"/admin/sessions_app/participant/{participant_pk}/change/",
        reverse("admin:sessions_app_participant_import"),
        reverse("admin:sessions_app_session_import_json"),
    ]
    for url in pages:
        assert_no_inline(organiser.get(url), url)
    printed = organiser.post(
        reverse("admin:sessions_app_participant_changelist"),
        {"action": "print_join_links", "_selected_action": [participant_pk]},
    )
    finder = assert_no_inline(printed, "join links print")
    assert b"data-print" in printed.content and finder.scripts_with_src == 1
