"""The recommendations wall (results.recommendations, results.recommendation_selectors and its
page): the organiser stars, hides and groups recommendations; the plenary's slides show the
chosen ones (starred first, hidden never, a set together); bad input is refused, changing nothing."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from groups.models import BreakoutGroup
from results import services
from results.models import RecommendationCuration
from results.plenary_selectors import plenary_snapshot
from results.presentation import presentation_update
from results.presentation_selectors import RECOMMENDATIONS, presentation_deck, presentation_outline
from results.recommendation_selectors import wall, wall_pages
from results.recommendations import CurationRefused, recommendation_curate, recommendation_group
from results.streams import plenary_group_name
from tests.factories import make_event, make_groups, make_organisation
from tests.streams import plenary_view, verify_action

pytestmark = pytest.mark.django_db

TEXTS = [
    "More bike lanes in the city centre.",
    "Teach media literacy at school.",
    "Build safe bike lanes in every city.",
    "Fund public libraries.",
]


@pytest.fixture
def groups(event, session):
    made = make_groups(event, len(TEXTS))
    for group, text in zip(made, TEXTS, strict=True):
        group.language = "en"
        group.save()
        data = {"answers": {"q1": {"counts": {"opportunity": 1}}, "q5": {"text": f"Point of {group.number}"}}}
        data["answers"]["q6"] = {"text": text}
        services.note_submit(group=group, session=session, data=data, idempotency_key=uuid.uuid4())
    return made


def shown(event):
    return [card["text"] for page in wall(event)["pages"] for unit in page for card in unit["cards"]]


def test_every_recommendation_shows_with_its_key_points_and_notes_link(event, session, groups):
    cards = wall(event)["cards"]
    assert [c["text"] for c in cards] == TEXTS
    assert cards[0]["points"][0]["text"] == "Point of 1"
    assert cards[0]["notes_url"] == f"/events/{event.slug}/notes/{groups[0].pk}/{session.code}/"


def test_starred_first_hidden_never_a_set_together(event, session, groups):
    recommendation_curate(event=event, group=groups[3], starred=True)
    recommendation_curate(event=event, group=groups[1], hidden=True)
    assert shown(event) == [TEXTS[3], TEXTS[0], TEXTS[2]]
    recommendation_group(event=event, groups=[groups[0].pk, groups[2].pk], label="Bike lanes")
    recommendation_curate(event=event, group=groups[2], starred=True)
    page = wall(event)["pages"][0]
    assert [(u["label"], [c["id"] for c in u["cards"]]) for u in page] == [
        ("Bike lanes", [groups[2].pk, groups[0].pk]),
        ("", [groups[3].pk]),
    ]
    deck = presentation_deck(event)
    slide = deck["slides"][-1]
    assert [c["text"] for u in slide["units"] for c in u["cards"]] == [TEXTS[2], TEXTS[0], TEXTS[3]]
    fragment = Client().get(
        reverse("plenary", kwargs={"slug": event.slug, "token": event.plenary_token}) + "?present=1&deck=1"
    )
    assert TEXTS[1] not in fragment.content.decode() and "Bike lanes" in fragment.content.decode()


def test_a_double_click_changes_nothing(event, session, groups):
    recommendation_curate(event=event, group=groups[0], starred=True)
    first = RecommendationCuration.objects.get(group=groups[0]).updated_at
    recommendation_curate(event=event, group=groups[0], starred=True)
    assert RecommendationCuration.objects.get(group=groups[0]).updated_at == first
    recommendation_curate(event=event, group=groups[0], starred=False)
    assert not RecommendationCuration.objects.get(group=groups[0]).starred


def test_suggestions_are_offered_never_applied(event, session, groups):
    suggestions = wall(event)["suggestions"]
    assert [[c["id"] for c in s["cards"]] for s in suggestions] == [[groups[0].pk, groups[2].pk]]
    assert suggestions[0]["label"] == "bike · city · lanes"  # as often each: alphabetical; "every" is too common
    assert not RecommendationCuration.objects.exists()
    recommendation_group(event=event, groups=suggestions[0]["ids"].split(","), label=suggestions[0]["label"])
    assert wall(event)["suggestions"] == [], "an accepted suggestion is a set: not suggested again"


def test_pages_of_cards_keep_a_set_together():
    def unit(label, n):
        return {"label": label, "starred": False, "cards": [{"id": f"{label}{i}"} for i in range(n)]}

    pages = wall_pages([unit("a", 4), unit("b", 3), unit("", 1)], per_page=6)
    assert [[(u["label"], len(u["cards"])) for u in page] for page in pages] == [[("a", 4)], [("b", 3), ("", 1)]]
    pages = wall_pages([unit("big", 8)], per_page=6)
    assert [[len(u["cards"]) for u in page] for page in pages] == [[6], [2]]
    assert wall_pages([]) == [[]]


def test_more_chosen_than_a_slide_holds_makes_more_slides(event, session):
    made = make_groups(event, 8)
    for group in made:
        data = {"answers": {"q6": {"text": f"Recommendation {group.number}"}}}
        services.note_submit(group=group, session=session, data=data, idempotency_key=uuid.uuid4())
    keys = [s["key"] for s in presentation_outline(event)]
    assert keys[-2:] == [RECOMMENDATIONS, f"{RECOMMENDATIONS}-2"]
    recommendation_curate(event=event, group=made[0], hidden=True)
    recommendation_curate(event=event, group=made[1], hidden=True)
    assert [s["key"] for s in presentation_outline(event)][-1] == RECOMMENDATIONS


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda g, f: recommendation_curate(event=g.event, group=f.pk, starred=True), "another event"),
        (lambda g, f: recommendation_curate(event=g.event, group="0", starred=True), "no such group"),
        (lambda g, f: recommendation_curate(event=g.event, group="1\x00", starred=True), "which group"),
        (lambda g, f: recommendation_curate(event=g.event, group=str(10**30), starred=True), "which group"),
        (lambda g, f: recommendation_curate(event=g.event, group=g.pk, starred="yes"), "yes or no"),
        (lambda g, f: recommendation_curate(event=g.event, group=g.pk), "what to change"),
        (lambda g, f: recommendation_curate(event=g.event, group=g.pk, label="a\x00b"), "NUL"),
        (lambda g, f: recommendation_curate(event=g.event, group=g.pk, label="x" * 81), "too long"),
        (lambda g, f: recommendation_group(event=g.event, groups=[g.pk, f.pk], label="Set"), "another event"),
        (lambda g, f: recommendation_group(event=g.event, groups=[g.pk, g.pk], label="Set"), "two recommendations"),
        (lambda g, f: recommendation_group(event=g.event, groups=[g.pk], label=" "), "label"),
        (lambda g, f: recommendation_group(event=g.event, groups=[str(g.pk)] * 501, label="Set"), "Too many"),
    ],
)
def test_refusals_change_nothing(event, session, groups, call, message):
    other = make_event(make_organisation(name="Other", slug="other-org"), slug="other-event")
    (foreign,) = make_groups(other, 1)
    with pytest.raises(CurationRefused, match=message):
        call(groups[0], foreign)
    assert not RecommendationCuration.objects.exists()


def test_the_page_and_its_actions(event, session, groups, organiser, other_organiser):
    page_url = reverse("recommendations_wall", kwargs={"slug": event.slug})
    curate = reverse("recommendations_action", kwargs={"slug": event.slug, "action": "curate"})
    group = reverse("recommendations_action", kwargs={"slug": event.slug, "action": "group"})
    client = Client()
    client.force_login(other_organiser)
    assert client.get(page_url).status_code == 404
    assert client.post(curate, {"group": groups[0].pk, "starred": "1"}).status_code == 404
    client.force_login(organiser)
    page = client.get(page_url)
    assert page.status_code == 200 and TEXTS[0] in page.content.decode() and "Suggested sets" in page.content.decode()
    answer = client.post(curate, {"group": groups[0].pk, "starred": "1"})
    assert answer.status_code == 302 and answer["Location"] == page_url
    assert RecommendationCuration.objects.get(group=groups[0]).starred
    refused = client.post(curate, {"group": groups[0].pk, "hidden": "maybe"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "yes or no" in refused.json()["message"]
    both = {"groups": f"{groups[0].pk},{groups[2].pk}", "label": "x" * 200}
    refused = client.post(group, both, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and "too long" in refused.json()["message"]
    assert RecommendationCuration.objects.filter(cluster_label__gt="").count() == 0
    accepted = client.post(group, {**both, "label": "Bike lanes"}, HTTP_ACCEPT="application/json")
    assert accepted.status_code == 200 and accepted.json()["ok"]
    assert RecommendationCuration.objects.filter(cluster_label="Bike lanes").count() == 2
    unknown = client.post(reverse("recommendations_action", kwargs={"slug": event.slug, "action": "nope"}))
    assert unknown.status_code == 302
    for language, word in [("fr", "Mur des recommandations"), ("es", "Muro de recomendaciones")]:
        client.cookies["django_language"] = language
        assert word in client.get(page_url).content.decode(), language


def test_a_curation_reaches_the_screens_and_a_double_click_sends_nothing(event, session, groups):
    views = {plenary_group_name(event.pk): plenary_view(event)}
    events = verify_action(lambda: recommendation_curate(event=event, group=groups[0], hidden=True), views)
    assert [p["type"] for _g, p in events] == ["plenary.snapshot"], "the screens fetch their slides again"
    assert verify_action(lambda: recommendation_curate(event=event, group=groups[0], hidden=True), views) == []
    events = verify_action(
        lambda: recommendation_group(event=event, groups=[groups[1], groups[2]], label="Together"), views
    )
    assert [p["type"] for _g, p in events] == ["plenary.snapshot"]


def test_posted_by_hand_a_foreign_group_or_a_nul_is_refused(event, session, groups, organiser):
    other = make_event(make_organisation(name="Other", slug="other-org"), slug="other-event")
    (foreign,) = make_groups(other, 1)
    client = Client()
    client.force_login(organiser)
    curate = reverse("recommendations_action", kwargs={"slug": event.slug, "action": "curate"})
    group = reverse("recommendations_action", kwargs={"slug": event.slug, "action": "group"})
    json = {"HTTP_ACCEPT": "application/json"}
    refused = client.post(curate, {"group": foreign.pk, "hidden": "1"}, **json)
    assert refused.status_code == 400 and "another event" in refused.json()["message"]
    refused = client.post(group, {"groups": [groups[0].pk, foreign.pk], "label": "Mixed"}, **json)
    assert refused.status_code == 400 and "another event" in refused.json()["message"]
    assert client.post(curate, {"group": groups[0].pk, "label": "a\x00b"}, **json).status_code == 400
    assert client.post(curate, {"group": "-1", "starred": "1"}, **json).status_code == 400
    back = client.post(curate, {"group": foreign.pk, "starred": "1"}, follow=True)
    assert back.redirect_chain[-1][0].endswith("/control/recommendations/")
    assert "another event" in back.content.decode()
    assert not RecommendationCuration.objects.exists()


def test_the_snapshot_counts_the_recommendation_slides(event, session):
    """A screen that catches up by a snapshot stays on the second page of recommendations."""
    made = make_groups(event, 8)
    for group in made:
        data = {"answers": {"q6": {"text": f"Recommendation {group.number}"}}}
        services.note_submit(group=group, session=session, data=data, idempotency_key=uuid.uuid4())
    total = len(presentation_outline(event))
    presentation_update(event=event, slide=total - 1)
    assert plenary_snapshot(event)["presenter"]["slide"] == total - 1
    assert plenary_snapshot(event)["presenter"]["total"] == total


def test_a_hostile_label_and_recommendation_are_shown_as_text(event, session, organiser):
    (group, other) = make_groups(event, 2)
    for made in (group, other):
        data = {"answers": {"q6": {"text": '<script>alert("x")</script> bike lanes'}}}
        services.note_submit(group=made, session=session, data=data, idempotency_key=uuid.uuid4())
    recommendation_group(event=event, groups=[group, other], label='"><img src=x onerror=alert(1)>')
    client = Client()
    client.force_login(organiser)
    page = client.get(reverse("recommendations_wall", kwargs={"slug": event.slug})).content.decode()
    deck = Client().get(
        reverse("plenary", kwargs={"slug": event.slug, "token": event.plenary_token}) + "?present=1&deck=1"
    )
    for html in (page, deck.content.decode()):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html and "&lt;img src=x" in html


def test_the_wall_says_when_it_changed_since_it_was_drawn(event, session, groups, organiser):
    page_url = reverse("recommendations_wall", kwargs={"slug": event.slug})
    client = Client()
    client.force_login(organiser)
    first = wall(event)
    news_url = f"{page_url}?part=news&seen={first['signature']}&written={first['written']}"
    assert first["written"] == len(TEXTS)
    assert 'data-news="' in client.get(page_url).content.decode()
    quiet = client.get(news_url).content.decode()
    assert 'id="wall-news"' in quiet and "Show the wall as it is now" not in quiet
    recommendation_curate(event=event, group=groups[0], hidden=True)  # another organiser's choice
    changed = client.get(news_url).content.decode()
    assert "The wall has changed since you opened it" in changed and "Show the wall as it is now" in changed
    extra = BreakoutGroup.objects.create(event=event, allocation=groups[0].allocation, number=9, language="en")
    data = {"answers": {"q6": {"text": "Open the town hall's data."}}}
    services.note_submit(group=extra, session=session, data=data, idempotency_key=uuid.uuid4())
    assert "1 new recommendation has arrived." in client.get(news_url).content.decode()
    for hostile in ("<x>", "9" * 50, "٣", ""):
        answer = client.get(page_url, {"part": "news", "seen": hostile, "written": hostile})
        assert answer.status_code == 200 and "<x>" not in answer.content.decode()
    assert client.get(page_url, {"part": "news", "seen": "\x00"}).status_code == 400  # refused before the view
