"""The plenary's presenter mode (results.presentation): the organiser's commands, refused when
they are wrong (changing nothing), idempotent, and heard by every screen (tests.streams)."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from groups.streams import event_group
from results import services
from results.models import PlenarySettings
from results.presentation import PresentationRefused, presentation_update
from results.presentation_selectors import presentation_deck, presentation_now, presentation_outline
from results.streams import plenary_group_name
from sessions_app.models import Option, Question
from tests.factories import make_event, make_groups, make_organisation, make_questionnaire
from tests.streams import closing_now_view, events_sent, plenary_view, verify_action

pytestmark = pytest.mark.django_db

# The demo questionnaire: a title slide, q1..q4 (q5 and q6 are open text), the recommendations.
SLIDES = ["title", "digital-public-sphere/q1", "digital-public-sphere/q2", "digital-public-sphere/q3"]
SLIDES += ["digital-public-sphere/q4", "recommendations"]


def results(opportunity, threat, recommendation="Fund libraries."):
    return {
        "answers": {
            "q1": {"counts": {"opportunity": opportunity, "threat": threat}},
            "q6": {"text": recommendation},
        }
    }


def present(event):
    return PlenarySettings.objects.get(event=event)


def test_the_slides_are_a_title_the_questions_with_figures_and_the_recommendations(event, session):
    assert [s["key"] for s in presentation_outline(event)] == SLIDES


def test_moving_the_screens_sends_the_state_they_follow(event, session):
    events = verify_action(
        lambda: presentation_update(event=event, slide=2), {plenary_group_name(event.pk): plenary_view(event)}
    )
    assert [p["type"] for g, p in events] == ["plenary.presenter", "plenary.slide"]
    assert events[0][1] == {
        "type": "plenary.presenter",
        "version": 1,
        "slide": 2,
        "total": 6,
        "group": None,
        "reveal": "",
    }


def phones_heard(event, events) -> list[dict]:
    """What the participants' pages of the event were sent (the slide's drawings apart)."""
    return [
        {key: value for key, value in payload.items() if key != "html"}
        for group, payload in events
        if group == event_group(event.pk)
    ]


def slides_drawn(event, events) -> list[dict]:
    return [payload["html"] for group, payload in events if group == event_group(event.pk)]


def test_the_participants_phones_hear_each_change_once_it_is_committed(event, session):
    """The participants' pages hear that the slide changed (their closing page fetches "On the
    screen now" again), once per change and only after the commit."""
    (group,) = make_groups(event, 1)
    views = {plenary_group_name(event.pk): plenary_view(event), event_group(event.pk): closing_now_view(event)}
    events = verify_action(lambda: presentation_update(event=event, slide=2), views)
    assert phones_heard(event, events) == [{"type": "plenary.slide", "version": 1}]
    # The slide itself, drawn once for the whole room in each language, no group marked.
    (drawn,) = slides_drawn(event, events)
    assert set(drawn) == {"en", "fr", "es"}
    assert 'id="closing-now"' in drawn["en"] and 'data-version="1"' in drawn["en"]
    assert 'data-kind="question"' in drawn["en"] and "Your group" not in drawn["en"]
    assert "On the screen now" in drawn["en"] and "À l’écran maintenant" in drawn["fr"]
    reveal = {"question": "digital-public-sphere/q2", "reveal": True}
    events = verify_action(lambda: presentation_update(event=event, **reveal), views)
    assert phones_heard(event, events) == [{"type": "plenary.slide", "version": 2}]
    with events_sent() as sent:
        presentation_update(event=event, group=group)
        assert sent == [], "nothing before the commit"
    assert phones_heard(event, sent) == [{"type": "plenary.slide", "version": 3}]


def test_the_phones_hear_nothing_of_a_refused_command_or_one_that_changes_nothing(event, session):
    presentation_update(event=event, slide=1)
    with events_sent() as sent, pytest.raises(PresentationRefused):
        presentation_update(event=event, slide=1, group="0")
    with events_sent() as unchanged:
        presentation_update(event=event, slide="1")
    assert sent == [] and unchanged == [] and present(event).present_version == 1


def test_a_command_that_changes_nothing_sends_nothing(event, session):
    presentation_update(event=event, slide="3")
    events = verify_action(
        lambda: presentation_update(event=event, slide="3"), {plenary_group_name(event.pk): plenary_view(event)}
    )
    assert events == [] and present(event).present_version == 1


def test_revealing_and_showing_a_group(event, session):
    (group,) = make_groups(event, 1)
    views = {plenary_group_name(event.pk): plenary_view(event)}
    events = verify_action(
        lambda: presentation_update(event=event, question="digital-public-sphere/q1", reveal=True), views
    )
    assert events[0][1]["reveal"] == "digital-public-sphere/q1=1"
    events = verify_action(lambda: presentation_update(event=event, group=str(group.pk)), views)
    assert events[0][1]["group"] == group.pk
    events = verify_action(lambda: presentation_update(event=event, group=None), views)
    assert events[0][1]["group"] is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slide": -1}, "no slide 0: choose one from 1 to 6"),
        ({"slide": 6}, "no slide 7"),
        ({"slide": 10**20}, "no slide"),
        ({"slide": "-1"}, "whole number"),
        ({"slide": "1e3"}, "whole number"),
        ({"slide": "9" * 30}, "whole number"),
        ({"slide": "2\x00"}, "NUL"),
        ({"slide": True}, "whole number"),
        ({"slide": 2.0}, "whole number"),
        ({"question": "digital-public-sphere/q5", "reveal": True}, "not on the slides"),
        ({"question": "digital-public-sphere/q1\x00", "reveal": True}, "NUL"),
        ({"question": "digital-public-sphere/q1", "reveal": None}, "which question"),
        ({"reveal": True}, "which question"),
        ({"group": "0"}, "no such group"),
        ({"group": str(2**40)}, "whole number"),
        ({"group": "3\x00"}, "NUL"),
    ],
)
def test_bad_commands_are_refused_and_change_nothing(event, session, changes, message):
    presentation_update(event=event, slide=1)
    with pytest.raises(PresentationRefused, match=message):
        presentation_update(event=event, **changes)
    settings_ = present(event)
    assert (settings_.present_slide, settings_.present_reveal, settings_.present_version) == (1, {}, 1)


def test_a_group_of_another_event_is_refused(event, session):
    other = make_event(make_organisation(name="Other", slug="other"), slug="other-event")
    (foreign,) = make_groups(other, 1)
    with pytest.raises(PresentationRefused, match="another event"):
        presentation_update(event=event, group=foreign.pk)
    with pytest.raises(PresentationRefused, match="another event"):
        presentation_update(event=event, group=foreign)
    assert not PlenarySettings.objects.filter(event=event, present_group__isnull=False).exists()


def test_figures_stay_hidden_until_the_vote_closes(event, session):
    groups = make_groups(event, 2)
    for group, data in zip(groups, [results(3, 1), results(1, 2, "Teach it at school.")], strict=True):
        services.note_submit(group=group, session=session, data=data, idempotency_key=uuid.uuid4())
    services.plenary_settings_update(event=event, results_visible=True)
    q1 = Question.objects.get(session=session, code="q1")

    def q1_slide():
        return presentation_deck(event)["slides"][1]

    assert q1_slide()["revealed"] and q1_slide()["options"][0]["percent"] == pytest.approx(57.1)
    services.question_open_set(event=event, question=q1, is_open=True)
    hidden = q1_slide()
    assert not hidden["revealed"] and hidden["n"] == 7
    assert all(set(option) == {"code", "label"} for option in hidden["options"]), "a hidden split leaks"
    presentation_update(event=event, question="digital-public-sphere/q1", reveal=True)
    assert q1_slide()["revealed"], "the organiser's reveal wins"
    deck = presentation_deck(event)
    shown = [card["text"] for unit in deck["slides"][-1]["units"] for card in unit["cards"]]
    assert shown == ["Fund libraries.", "Teach it at school."]


def test_only_the_events_organisers_drive_the_screens(event, session, organiser, other_organiser):
    url = reverse("results_control", kwargs={"slug": event.slug, "action": "presenter"})
    client = Client()
    client.force_login(other_organiser)
    assert client.post(url, {"slide": "2"}, HTTP_ACCEPT="application/json").status_code == 404
    client.force_login(organiser)
    answer = client.post(url, {"slide": "2"}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and answer.json()["ok"] and present(event).present_slide == 2
    refused = client.post(url, {"slide": "99"}, HTTP_ACCEPT="application/json")
    assert refused.status_code == 400 and not refused.json()["ok"]
    assert "There is no slide 100" in refused.json()["message"] and present(event).present_slide == 2
    nul = client.post(url, {"question": "digital-public-sphere/q1\x00", "reveal": "1"}, HTTP_ACCEPT="application/json")
    # The request's parameters are checked before any view: a NUL is refused with a clear answer.
    assert nul.status_code == 400 and "NUL" in nul.json()["errors"][0]["message"]
    assert present(event).present_reveal == {}


def test_the_slides_page_and_its_fragment(event, session):
    client = Client()
    url = reverse("plenary", kwargs={"slug": event.slug, "token": event.plenary_token})
    page = client.get(url + "?present=1")
    assert page.status_code == 200 and b'id="slide-5"' in page.content and b"presenter.js" in page.content
    fragment = client.get(url + "?present=1&deck=1")
    assert fragment.content.lstrip().startswith(b'<div id="deck"') and b"presenter.js" not in fragment.content
    assert client.get(f"/events/{event.slug}/plenary/wrong/?present=1").status_code == 403
    for language, words in [("fr", ["Diapositive suivante", "0 réponse jusqu'ici"]), ("es", ["Diapositiva siguiente"])]:
        client.cookies["django_language"] = language
        text = client.get(url + "?present=1").content.decode()
        assert all(word in text for word in words), language


def test_the_control_room_shows_the_presenter_controls(event, session, organiser):
    client = Client()
    client.force_login(organiser)
    presentation_update(event=event, slide=1)
    page = client.get(reverse("control_room", kwargs={"slug": event.slug})).content.decode()
    assert 'id="presenter-controls"' in page and "Slide 2 of 6" in page
    assert 'name="reveal" value="1"' in page, "q1 is hidden (the results are not shown): it offers to reveal"


def test_another_questionnaire_is_its_own_slides(event, session):
    make_questionnaire(event, code="second", order=2)
    assert len(presentation_outline(event)) == 10


def test_the_slides_read_the_questionnaire_in_the_screens_language(event, session):
    """A question's text and its options' labels come in the page's language where the
    questionnaire has a translation (else as written); each language has its own kept deck."""
    question = Question.objects.get(session=session, code="q1")
    question.translations = {"fr": {"text": "Pour vous, Internet est :"}}
    question.save()
    option = Option.objects.get(question=question, code="opportunity")
    option.translations = {"fr": {"label": "Plutôt une chance"}}
    option.save()
    presentation_update(event=event, slide=1)
    with translation.override("fr"):
        slide = presentation_deck(event)["slides"][1]
        assert slide["label"] == "Pour vous, Internet est :"
        labels = {o["code"]: o["label"] for o in slide["options"]}
        assert (
            labels["opportunity"] == "Plutôt une chance"
            and labels["threat"] == option.question.options.get(code="threat").label
        )
        assert presentation_now(event)["slide"]["label"] == "Pour vous, Internet est :"
    with translation.override("en"):
        assert presentation_now(event)["slide"]["label"] == question.text
    client = Client()
    client.cookies["django_language"] = "fr"
    url = reverse("plenary", kwargs={"slug": event.slug, "token": event.plenary_token})
    page = client.get(url + "?present=1&deck=1").content.decode()
    assert "Pour vous, Internet est :" in page and "Plutôt une chance" in page
