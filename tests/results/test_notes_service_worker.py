"""The service worker that keeps the note taker's form usable offline (static/js/notes-sw.js),
served at the root by results.views.notes.notes_service_worker."""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.helpers import log_in_as
from tests.results import notes_fixtures

questionnaire, teams = notes_fixtures.questionnaire, notes_fixtures.teams  # shared fixtures


def worker_script(client) -> str:
    return client.get(reverse("notes_service_worker")).content.decode()


def form_page_pattern(script: str) -> re.Pattern:
    """The worker's own regular expression for the form page, to run here in Python."""
    match = re.search(r"var FORM_PAGE = /(.+)/;", script)
    assert match, "the worker names the form page FORM_PAGE"
    return re.compile(match.group(1))


def first_segments(patterns, prefix="") -> set[str]:
    """The first path segment of every route of the site (``api``, ``events``, ``join``...)."""
    segments = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            segments |= first_segments(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            segments.add(re.split(r"[/<]", route.lstrip("^"), maxsplit=1)[0])
    return segments - {""}


def test_it_is_served_to_anyone_as_javascript_never_stale(client):
    response = client.get("/notes-sw.js")
    assert reverse("notes_service_worker") == "/notes-sw.js"
    assert response.status_code == 200  # no login: the script holds no data
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/events/"
    assert "Set-Cookie" not in response
    assert 'self.addEventListener("fetch"' in response.content.decode()


def test_it_refuses_other_methods(client):
    assert client.post("/notes-sw.js").status_code == 405


def test_it_keeps_only_the_form_page(client):
    form_page = form_page_pattern(worker_script(client))
    args = ["day-0", 12, "digital-public-sphere"]
    assert form_page.match(reverse("notes_form", args=args))
    for name, route_args in [
        ("notes_state", args),
        ("notes_draft", args),
        ("notes_submit", args),
        ("notes_start", args[:2]),
        ("lobby", args[:1]),
        ("control_room", args[:1]),
        ("vote", args[:1]),
        ("results_print", args[:1]),
        ("plenary", ["day-0", "token"]),
        ("api_results", args[:1]),
        ("home", []),
    ]:
        assert not form_page.match(reverse(name, args=route_args)), name


def test_the_script_mentions_only_notes_paths(client):
    script = worker_script(client)
    events = re.findall(r"events(?:\\?/[^\s/]+)+", script)
    assert events and all("notes" in path for path in events), events
    others = first_segments(get_resolver().url_patterns) - {"events"}
    others.add(settings.STATIC_URL.strip("/"))
    assert {"api", "join", "accounts", "admin", "static"} <= others
    for segment in others:
        assert not re.search(rf"\\?/{re.escape(segment)}\b", script), segment
    assert 'if (request.method !== "GET") return;' in script  # writes pass by untouched


@pytest.mark.django_db
def test_the_note_takers_form_registers_it_for_its_group_only(client, event, teams, questionnaire, note_taker):
    log_in_as(client, note_taker)
    group = teams["group"]
    form_url = reverse("notes_form", args=[event.slug, group.pk, questionnaire.code])
    html = client.get(form_url).content.decode()
    scope = reverse("notes_start", args=[event.slug, group.pk])
    assert 'data-worker-url="/notes-sw.js"' in html
    assert f'data-worker-scope="{scope}"' in html
    assert form_url.startswith(scope) and scope.startswith("/events/")
    assert not reverse("lobby", args=[event.slug]).startswith(scope)
    assert '"offlineCopy":' in html
