"""Votes in the room: one per person and question, changeable until submitted, anonymous tallies."""

import json
import uuid

import pytest
from django.urls import reverse

from results import services
from results.models import Vote
from results.selectors import note_page, vote_tally
from sessions_app.models import Question
from tests.helpers import log_in_as
from tests.results import notes_fixtures
from tests.results.notes_fixtures import FULL_ANSWERS

pytestmark = pytest.mark.django_db
questionnaire, teams = notes_fixtures.questionnaire, notes_fixtures.teams  # shared fixtures


def q(session, code, *, open_=True):
    question = Question.objects.get(session=session, code=code)
    if open_:
        question.is_open = True
        question.save(update_fields=["is_open"])
    return question


def test_one_vote_per_person_and_question_changeable(teams, questionnaire, participant):
    q1 = q(questionnaire, "q1")
    services.vote_cast(participant=participant, question=q1, choice="threat")
    services.vote_cast(participant=participant, question=q1, choice="both")
    assert Vote.objects.count() == 1 and Vote.objects.get().data == {"choice": "both"}
    services.vote_cast(participant=participant, question=q1, choice=[])
    assert not Vote.objects.exists()


def test_votes_tally_into_the_form_anonymously(client, event, teams, questionnaire, note_taker):
    q1, q2 = q(questionnaire, "q1"), q(questionnaire, "q2")
    a, b, c = teams["members"]
    services.vote_cast(participant=a, question=q1, choice="threat")
    services.vote_cast(participant=b, question=q1, choice="threat")
    services.vote_cast(participant=c, question=q1, choice="both")
    services.vote_cast(participant=a, question=q2, choice=["platforms", "governments"])
    tally = vote_tally(teams["group"], questionnaire)
    assert tally["q1"] == {"counts": {"opportunity": 0, "threat": 2, "both": 1, "neither": 0}, "valid": 3}
    assert tally["q2"]["valid"] == 1 and tally["q2"]["counts"]["platforms"] == 1
    page = note_page(teams["group"], questionnaire)
    assert page["data"]["answers"]["q1"]["counts"]["threat"] == 2  # the form starts from the votes
    log_in_as(client, note_taker)
    html = client.get(reverse("notes_form", args=[event.slug, teams["group"].pk, questionnaire.code])).content.decode()
    assert a.first_name not in html.split('id="notes-initial"')[1]  # no names next to the votes
    state = client.get(reverse("notes_state", args=[event.slug, teams["group"].pk, questionnaire.code])).json()
    assert state["tally"]["q1"]["valid"] == 3 and "participant" not in json.dumps(state)


def test_a_closed_question_is_refused(teams, questionnaire, participant):
    with pytest.raises(services.VoteRefused):
        services.vote_cast(participant=participant, question=q(questionnaire, "q1", open_=False), choice="threat")
    assert not Vote.objects.exists()


def test_votes_lock_when_the_group_submits(teams, questionnaire, participant):
    q1 = q(questionnaire, "q1")
    services.vote_cast(participant=participant, question=q1, choice="threat")
    services.note_submit(group=teams["group"], session=questionnaire, data=FULL_ANSWERS, idempotency_key=uuid.uuid4())
    with pytest.raises(services.VoteRefused):
        services.vote_cast(participant=participant, question=q1, choice="both")
    assert Vote.objects.get().data == {"choice": "threat"}


@pytest.mark.parametrize(
    "code, choice",
    [("q1", "nope"), ("q1", ["threat", "both"]), ("q2", ["governments", "platforms", "media"]), ("q4", "education")],
)
def test_bad_answers_are_refused(teams, questionnaire, participant, code, choice):
    with pytest.raises(services.VoteRefused):
        services.vote_cast(participant=participant, question=q(questionnaire, code), choice=choice)
    assert not Vote.objects.exists()


def test_a_facilitator_and_a_person_without_a_group_do_not_vote(teams, questionnaire, facilitator, event):
    from tests.factories import make_person

    with pytest.raises(services.VoteRefused):
        services.vote_cast(participant=facilitator, question=q(questionnaire, "q1"), choice="threat")
    with pytest.raises(services.VoteRefused):
        services.vote_cast(participant=make_person(event), question=q(questionnaire, "q1"), choice="threat")


def test_the_vote_page_saves_an_answer(client, event, teams, questionnaire, participant):
    q1 = q(questionnaire, "q1")
    log_in_as(client, participant)
    page = client.get(reverse("vote", args=[event.slug]))
    assert page.status_code == 200 and q1.text in page.content.decode()
    response = client.post(reverse("vote_cast", args=[event.slug, q1.pk]), {"choice": "both"})
    assert response.status_code == 302
    assert Vote.objects.get(participant=participant).data == {"choice": "both"}
    client.post(reverse("vote_cast", args=[event.slug, q1.pk]), {"withdraw": "1"})
    assert not Vote.objects.exists()


def test_the_vote_page_refuses_strangers_and_other_events(client, event, teams, questionnaire, outsider):
    q1 = q(questionnaire, "q1")
    assert client.post(reverse("vote_cast", args=[event.slug, q1.pk]), {"choice": "both"}).status_code == 403
    log_in_as(client, outsider)
    assert client.post(reverse("vote_cast", args=["other", q1.pk]), {"choice": "both"}).status_code == 404
    assert not Vote.objects.exists()


def test_organisers_open_and_close_questions(client, event, teams, questionnaire, organiser, other_organiser):
    q1 = q(questionnaire, "q1", open_=False)
    client.force_login(organiser)
    response = client.post(reverse("results_control", args=[event.slug, "question-open"]), {"question": q1.pk})
    assert response.status_code == 302
    q1.refresh_from_db()
    assert q1.is_open
    panel = client.get(reverse("control_room", args=[event.slug]) + "?panel=1").content.decode()
    assert "Votes and plenary" in panel and "question-close" in panel
    client.force_login(other_organiser)
    response = client.post(reverse("results_control", args=[event.slug, "question-close"]), {"question": q1.pk})
    assert response.status_code == 404
    q1.refresh_from_db()
    assert q1.is_open


def test_control_actions_answer_the_page_script_in_json_and_say_the_new_state(
    client, event, teams, questionnaire, organiser
):
    """The control room's script asks for JSON: it gets JSON, never a redirect to HTML it
    would take for a lost connection (and then click again, undoing the action)."""
    q1 = q(questionnaire, "q1", open_=False)
    client.force_login(organiser)
    as_script = {"HTTP_ACCEPT": "application/json"}
    for _twice in range(2):  # a double click changes nothing: each action names its state
        response = client.post(
            reverse("results_control", args=[event.slug, "question-open"]), {"question": q1.pk}, **as_script
        )
        assert response.status_code == 200 and response.json() == {
            "ok": True,
            "message": "“q1” is open.",
            "warnings": [],
        }
    q1.refresh_from_db()
    assert q1.is_open
    for visible in ("1", "1", "0"):
        response = client.post(
            reverse("results_control", args=[event.slug, "plenary"]), {"results_visible": visible}, **as_script
        )
        assert response.status_code == 200 and response.json()["ok"]
    assert event.plenary_settings.results_visible is False
    for bad in ({"question": "999999"}, {"question": "x"}, {"question": "9" * 30}, {"question": "١"}, {}):
        response = client.post(reverse("results_control", args=[event.slug, "question-close"]), bad, **as_script)
        assert response.status_code == 400 and not response.json()["ok"] and response.json()["message"]
    response = client.post(reverse("results_control", args=[event.slug, "plenary"]), {"weighting": "nope"}, **as_script)
    assert response.status_code == 400 and response.json()["message"] == "Unknown weighting."
    for group in ("9" * 30, "123456789012"):
        response = client.post(
            reverse("results_control", args=[event.slug, "plenary"]), {"on_screen_group": group}, **as_script
        )
        assert response.status_code == 400
