"""The dialogue's global results: hand-computed pooled and one-site-one-vote figures per scope,
small-N suppression, only tallies (never texts) leaving the events, the public subset, and a
constant number of queries."""

import json

import pytest

from dialogues.access import DialogueRefused
from dialogues.results import cached_global_snapshot, global_snapshot, world_figures
from dialogues.versions import event_create_from_version, version_publish
from results.models import NoteRevision
from sessions_app.models import Question, Session
from tests.dialogues.scenarios import make_two_sites, q1, submit_results
from tests.factories import make_groups, make_partner, make_site

pytestmark = pytest.mark.django_db

SECRET = "a private remark of one group"


@pytest.fixture
def world(dialogue):
    """France (Europe, G20, coastal): groups 3/4 and 1/2 for "opportunity"; Kenya (Africa): 1/5."""
    return make_two_sites(dialogue, france_tags="G20, coastal", france_text=SECRET)


def figures(snapshot, question, scope):
    found = next(q for s in snapshot["sessions"] for q in s["questions"] if q["code"] == question)
    return found["figures"].get(scope)


def test_a_partner_event_starts_from_the_published_version(dialogue, world):
    france = world["france"]
    assert france.dialogue_version == 1 and france.phases.count() == 3
    session = Session.objects.get(event=france)
    assert session.code == "digital-public-sphere" and session.phases.get().kind == "breakout"
    assert list(Question.objects.filter(session=session).values_list("code", flat=True)) == [
        "q1",
        "q2",
        "q3",
        "q4",
        "q5",
        "q6",
    ]


def test_translations_travel_with_the_version(dialogue, coordinator):
    template_question = Question.objects.get(session__event=dialogue.template_event, code="q1")
    template_question.translations = {"fr": {"text": "Pour vous, Internet est :"}}
    template_question.save()
    version_publish(dialogue=dialogue, user=coordinator, note="French")
    organisation, _ = make_partner(dialogue, "Partenaire", "partenaire")
    event = make_site(dialogue, organisation, "paris", country="France", language="fr")
    assert event.dialogue_version == 2
    assert Question.objects.get(session__event=event, code="q1").translations["fr"]["text"].startswith("Pour vous")


def test_only_partners_create_events_from_the_template(dialogue):
    from sessions_app.models import Organisation

    stranger = Organisation.objects.create(name="Not invited", slug="stranger")
    with pytest.raises(DialogueRefused, match="not a partner"):
        make_site(dialogue, stranger, "nope")


def test_pooled_figures_by_scope_match_hand_computed_numbers(dialogue, world):
    snapshot = global_snapshot(dialogue)
    world_ = figures(snapshot, "q1", "global")
    # 3 + 1 + 1 = 5 of 4 + 2 + 5 = 11 people chose "opportunity".
    assert world_["n"] == 11 and world_["count"][:2] == [5, 6] and world_["percent"][:2] == [45.5, 54.5]
    assert world_["sites"] == 2
    france = figures(snapshot, "q1", "country:France")
    assert france["n"] == 6 and france["percent"][:2] == [66.7, 33.3]
    assert figures(snapshot, "q1", "continent:europe") == france == figures(snapshot, "q1", "tag:G20")
    assert figures(snapshot, "q1", "country:Kenya")["percent"][:2] == [20.0, 80.0]
    assert snapshot["sites_reported"] == 2 and snapshot["sites_total"] == 2
    assert {s["event"]: s["groups_submitted"] for s in snapshot["sites"]} == {"france": 2, "kenya": 1}


def test_one_site_one_vote_is_the_mean_of_the_sites_percentages(dialogue, world):
    dialogue.weighting = "sites_equal"
    dialogue.save()
    world_ = figures(global_snapshot(dialogue), "q1", "global")
    # France 4/6 = 66.67 %, Kenya 1/5 = 20 %: (66.67 + 20) / 2 = 43.3 %; N stays all 11 people.
    assert world_["percent"][0] == 43.3 and world_["n"] == 11


def test_small_numbers_are_suppressed_everywhere(dialogue, world):
    snapshot = global_snapshot(dialogue)
    # q2 was answered by 3 people (Kenya only): below 5, so not shown in any scope.
    for scope in ("global", "continent:africa", "country:Kenya"):
        assert figures(snapshot, "q2", scope) == {"suppressed": True, "sites": 1}
    # The ranking is a group answer: 3 groups in the world, fewer than 5.
    assert figures(snapshot, "q4", "global")["suppressed"] is True
    dialogue.min_respondents = 2
    dialogue.save()
    snapshot = global_snapshot(dialogue)
    ranked = figures(snapshot, "q4", "country:France")
    assert ranked["groups"] == 2 and ranked["percent"] == [50.0, 0.0, 0.0, 50.0]
    assert figures(snapshot, "q4", "country:Kenya") == {"suppressed": True, "sites": 0}


def test_texts_and_individual_answers_never_leave_their_event(dialogue, world):
    dumped = json.dumps(global_snapshot(dialogue))
    assert SECRET not in dumped and "q5" not in dumped


def test_the_public_snapshot_has_only_partners_who_opted_in(dialogue, world):
    dialogue.min_respondents = 1
    dialogue.save()
    public = global_snapshot(dialogue, public=True)
    assert [s["event"] for s in public["sites"]] == ["france"]
    assert figures(public, "q1", "global")["n"] == 6
    assert "country:Kenya" not in {s["key"] for s in public["scopes"]}


def test_results_changed_outside_a_submission_are_counted_again(dialogue, world):
    NoteRevision.objects.filter(submission__group__event=world["kenya"]).delete()
    world_ = figures(global_snapshot(dialogue), "q1", "global")
    assert world_["n"] == 6


def test_the_snapshot_takes_a_constant_number_of_queries(dialogue, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two_sites:
        global_snapshot(dialogue)
    organisation, _ = make_partner(dialogue, "Partner Chile", "cl-partner")
    chile = make_site(dialogue, organisation, "chile", country="Chile", continent="south_america")
    for group in make_groups(chile, 3):
        submit_results(chile, group, q1(2, 2))
    with CaptureQueriesContext(connection) as three_sites:
        snapshot = global_snapshot(dialogue)
    assert len(three_sites) == len(two_sites) <= 5
    assert figures(snapshot, "q1", "global")["n"] == 23


def test_the_cached_snapshot_is_fresh_within_seconds(dialogue, world, monkeypatch):
    from dialogues import results

    first = cached_global_snapshot(dialogue)
    assert cached_global_snapshot(dialogue) is first or cached_global_snapshot(dialogue) == first
    submit_results(world["kenya"], world["kenya"].groups.get(), q1(5, 0))
    monkeypatch.setattr(results, "FRESH_SECONDS", 0.0)
    assert figures(cached_global_snapshot(dialogue), "q1", "global")["count"][0] == 9


def test_an_event_compares_with_the_world_so_far(dialogue, world):
    dialogue.min_respondents = 1
    dialogue.save()
    compared, scope = world_figures(world["france"], "global")
    assert compared[("q1", "opportunity")] == {"percent": 45.5, "n": 11}
    assert scope["key"] == "global" and scope["sites_reported"] == 2
    assert world_figures(world["france"], "country:Nowhere") == ({}, None)


def test_events_of_a_dialogue_need_a_published_version(dialogue):
    from dialogues.models import Dialogue

    empty = Dialogue.objects.create(title="Next", slug="next")
    organisation, _ = make_partner(empty, "P", "p")
    with pytest.raises(DialogueRefused, match="not published"):
        event_create_from_version(dialogue=empty, organisation=organisation, title="x", slug="x", starts_at=world_now())


def world_now():
    from django.utils import timezone

    return timezone.now()


def test_the_plenary_compares_with_the_world_so_far(dialogue, world):
    from results.models import PlenarySettings
    from results.plenary_selectors import plenary_snapshot

    dialogue.min_respondents = 1
    dialogue.save()
    PlenarySettings.objects.create(event=world["kenya"], results_visible=True, world_scope="continent:europe")
    snapshot = plenary_snapshot(world["kenya"], staff=True)  # its organisers' screen (see test_plenary_world_privacy)
    assert snapshot["reference"]["live"] is True and snapshot["reference"]["scope_name"] == "Europe"
    q1_ = snapshot["sessions"][0]["questions"][0]
    ours = {o["code"]: o for o in q1_["options"]}
    # Kenya's own 1 of 5 beside Europe's (France's) 4 of 6.
    assert ours["opportunity"]["percent"] == 20.0
    assert ours["opportunity"]["reference"] == {"percent": 66.7, "n": 6}


def test_the_organiser_picks_a_world_scope_in_the_control_room(client, dialogue, world, django_user_model):
    from django.urls import reverse

    from results.models import PlenarySettings

    user = django_user_model.objects.create_user(username="ke", email="ke@example.org", password="x" * 12)
    world["kenya"].organisation.members.add(user)
    client.force_login(user)
    page = client.get(reverse("control_room", args=["kenya"])).content.decode()
    assert 'value="world|continent:europe"' in page and "The world so far" in page
    url = reverse("results_control", args=["kenya", "plenary"])
    client.post(url, {"reference": "world|continent:europe"})
    assert PlenarySettings.objects.get(event=world["kenya"]).world_scope == "continent:europe"
    refused = client.post(url, {"reference": "world|country:Atlantis"}, follow=True)
    assert "from the list" in refused.content.decode()
    assert PlenarySettings.objects.get(event=world["kenya"]).world_scope == "continent:europe"
    client.post(url, {"reference": ""})
    assert PlenarySettings.objects.get(event=world["kenya"]).world_scope == ""


def test_an_event_outside_a_dialogue_cannot_compare_with_the_world(event):
    from results.services import PlenarySettingsRefused, plenary_settings_update

    with pytest.raises(PlenarySettingsRefused, match="dialogue"):
        plenary_settings_update(event=event, world_scope="global")


def test_a_suppressed_figure_cannot_be_worked_out_by_subtraction(dialogue, world):
    """Kenya's 3 answers to q1 are hidden; showing the world, France and Chile would give them away
    (15 - 6 - 6 = 3), so one more country, and the continents that equal it, are hidden too."""
    chile_partner, _ = make_partner(dialogue, "Partner Chile", "cl-partner")
    chile = make_site(dialogue, chile_partner, "chile", country="Chile", continent="south_america")
    (c1,) = make_groups(chile, 1)
    submit_results(chile, c1, q1(3, 3))
    kenya_group = world["kenya"].groups.get()
    submit_results(world["kenya"], kenya_group, q1(1, 2))  # Kenya: 3 people
    snapshot = global_snapshot(dialogue)
    shown = {scope: figures(snapshot, "q1", scope) for scope in [s["key"] for s in snapshot["scopes"]]}
    visible = {scope for scope, found in shown.items() if not found.get("suppressed")}
    assert "country:Kenya" not in visible and "continent:africa" not in visible
    assert "global" in visible and shown["global"]["n"] == 15
    # What stays visible never lets 1 to 4 answers be worked out: world minus the visible
    # countries (and minus the visible continents) is 0 or at least 5.
    for prefix in ("country:", "continent:"):
        rest = 15 - sum(shown[s]["n"] for s in visible if s.startswith(prefix))
        assert rest == 0 or rest >= 5, (prefix, visible)
    # A continent of one country is shown or hidden with it.
    assert ("continent:europe" in visible) == ("country:France" in visible)
    assert ("continent:south_america" in visible) == ("country:Chile" in visible)
