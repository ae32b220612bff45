"""The participants' closing page in the closing plenary: results as the plenary shows them, the
group's recommendation, what happens next, and the anonymous feedback survey (its service, the
page, the control room and the export)."""

import csv
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups import services as group_services
from groups import streams
from results import feedback, plenary_selectors, services
from results.models import FeedbackAnswer, FeedbackQuestion, PlenarySettings
from results.presentation import presentation_update
from results.presentation_selectors import RECOMMENDATIONS, presentation_outline
from sessions_app.models import Participant, Phase
from tests.factories import make_submission
from tests.helpers import log_in_as, without_bom
from tests.results import notes_fixtures
from tests.streams import events_sent

questionnaire, teams = notes_fixtures.questionnaire, notes_fixtures.teams  # shared fixtures


@pytest.fixture
def phases(event):
    kinds = ["opening", "breakout", "plenary"]
    return [
        Phase.objects.create(event=event, order=n, kind=kind, title=kind.title(), planned_minutes=10)
        for n, kind in enumerate(kinds, start=1)
    ]


@pytest.fixture
def survey(event):
    feedback.feedback_questions_create_defaults(event=event)
    return list(FeedbackQuestion.objects.filter(event=event).order_by("order"))


def _go_to(event, phase):
    if event.running_phase():
        group_services.phase_end(event=event)
    group_services.phase_start(event=event, phase=phase)
    event.refresh_from_db()


def _answers(survey, **values):
    return {feedback.feedback_field(q): values.get(f"q{q.order}", "") for q in survey}


# --- Which phase is the closing one ----------------------------------------------------------


@pytest.mark.django_db
def test_only_a_plenary_after_a_breakout_is_the_closing_one(event, phases):
    opening, breakout, plenary = phases
    assert not streams.is_closing_phase(opening)
    assert not streams.is_closing_phase(breakout)
    assert streams.is_closing_phase(plenary)
    first = Phase.objects.create(event=event, order=0, kind="plenary", title="Welcome", planned_minutes=5)
    assert not streams.is_closing_phase(first)


# --- The survey's service ---------------------------------------------------------------------


@pytest.mark.django_db
def test_default_questions_are_added_once(event):
    assert feedback.feedback_questions_create_defaults(event=event) == len(feedback.DEFAULT_QUESTIONS)
    assert feedback.feedback_questions_create_defaults(event=event) == 0
    kinds = list(FeedbackQuestion.objects.filter(event=event).order_by("order").values_list("kind", flat=True))
    assert kinds == ["scale", "scale", "scale", "text"]


@pytest.mark.django_db
def test_answers_are_stored_without_the_person_and_only_once(event, participant, survey):
    stored = feedback.feedback_submit(participant=participant, data=_answers(survey, q1="5", q2="3", q4="More time"))
    assert stored == 3
    participant.refresh_from_db()
    assert participant.feedback_given_at is not None
    assert {f.name for f in FeedbackAnswer._meta.get_fields()} == {"id", "question", "score", "text"}
    with pytest.raises(feedback.FeedbackRefused) as refused:
        feedback.feedback_submit(participant=participant, data=_answers(survey, q1="1"))
    assert "already" in refused.value.problems["__all__"]
    assert FeedbackAnswer.objects.count() == 3
    summary = feedback.feedback_summary(event)
    assert summary["answered"] == 1
    first, second, _third, text = summary["questions"]
    assert first["mean"] == 5.0 and first["n"] == 1 and first["scores"][4]["count"] == 1
    assert second["mean"] == 3.0
    assert text["texts"] == ["More time"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"q1": "6"}, 1, "from 1 to 5"),
        ({"q1": "2.5"}, 1, "from 1 to 5"),
        ({"q1": "4", "q4": "bad\x00text"}, 4, "NUL"),
        ({"q4": "half \ud800 pair"}, 4, "surrogate"),
        ({"q4": "x" * 2001}, 4, "2001 characters"),
    ],
)
def test_a_wrong_value_is_refused_with_its_question_and_nothing_is_written(
    event, participant, survey, values, field, words
):
    with pytest.raises(feedback.FeedbackRefused) as refused:
        feedback.feedback_submit(participant=participant, data=_answers(survey, **values))
    problem = refused.value.problems[feedback.feedback_field(survey[field - 1])]
    assert words in problem and survey[field - 1].text in problem
    assert FeedbackAnswer.objects.count() == 0
    participant.refresh_from_db()
    assert participant.feedback_given_at is None


@pytest.mark.django_db
def test_an_empty_survey_is_refused(participant, survey):
    with pytest.raises(feedback.FeedbackRefused) as refused:
        feedback.feedback_submit(participant=participant, data=_answers(survey, q4="   "))
    assert "at least one" in refused.value.problems["__all__"]


@pytest.mark.django_db
def test_an_answered_survey_tells_the_control_room_and_a_refused_one_does_not(event, participant, survey):
    """The control room's summary counts the answers: its panel is fetched again as they come."""
    with events_sent() as sent:
        feedback.feedback_submit(participant=participant, data=_answers(survey, q1="4"))
    assert [(group, payload["type"]) for group, payload in sent] == [
        (streams.control_group(event.pk), "control.changed")
    ]
    with events_sent() as sent, pytest.raises(feedback.FeedbackRefused):
        feedback.feedback_submit(participant=participant, data=_answers(survey, q1="5"))
    assert sent == []


# --- The page ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lobby_sends_participants_to_the_closing_page_and_staff_get_a_lobby_without_the_form(
    client, event, teams, phases, facilitator, participant
):
    _go_to(event, phases[2])
    log_in_as(client, participant)
    response = client.get(reverse("lobby", args=[event.slug]))
    assert response.status_code == 302 and response["Location"] == reverse("closing", args=[event.slug])
    client.logout()
    Participant.objects.filter(pk=facilitator.pk).update(checked_in_at=event.starts_at)
    log_in_as(client, facilitator)
    html = client.get(reverse("lobby", args=[event.slug])).content.decode()
    assert 'id="profile-form"' not in html and 'data-view="lobby"' in html
    assert "the closing plenary is on" in html and "Your room opens here" not in html
    assert client.get(reverse("closing", args=[event.slug])).status_code == 302


@pytest.mark.django_db
def test_outside_the_closing_plenary_the_closing_page_sends_back_to_the_lobby(
    client, event, teams, phases, participant
):
    _go_to(event, phases[1])
    log_in_as(client, participant)
    response = client.get(reverse("closing", args=[event.slug]))
    assert response.status_code == 302 and response["Location"] == reverse("lobby", args=[event.slug])
    response = client.post(reverse("feedback_submit", args=[event.slug]), {})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_closing_page_shows_results_when_revealed_the_recommendation_and_next_steps(
    client, event, teams, questionnaire, phases, participant, survey
):
    make_submission(teams["group"], questionnaire, notes_fixtures.FULL_ANSWERS)
    event.next_steps = "The report comes out on 1 March."
    event.next_steps_url = "https://example.org/report"
    event.save()
    _go_to(event, phases[2])
    log_in_as(client, participant)
    url = reverse("closing", args=[event.slug])
    html = client.get(url).content.decode()
    assert 'data-view="closing"' in html and f'data-view-key="{phases[2].pk}:' in html
    assert "The results will be shown when the organisers reveal them." in html
    assert "Teach media literacy." in html  # the group's recommendation
    assert "The report comes out on 1 March." in html and "https://example.org/report" in html
    assert "js/person-live.js" in html
    for question in survey:
        assert question.text in html
    PlenarySettings.objects.update_or_create(event=event, defaults={"results_visible": True})
    html = client.get(url).content.decode()
    assert "The results will be shown" not in html
    assert 'class="bar s0"' in html
    part = client.get(url, {"part": "results"}).content.decode()  # what the page fetches again
    assert 'id="closing-results"' in part and 'class="bar s0"' in part and "<html" not in part
    assert 'data-follow="' in html and "js/fragment.js" in html


@pytest.mark.django_db
def test_the_closing_page_reads_the_plenary_once_per_version_and_shows_a_new_submission(
    client, event, teams, questionnaire, phases, participant, django_capture_on_commit_callbacks, monkeypatch
):
    """Every participant's closing page fetches the results every 20 seconds: without a change,
    the plenary's snapshot is not built again; a submission (and its broadcast, which bumps the
    plenary's version) shows at the next fetch, and so does a setting saved before its broadcast."""
    builds = []
    build = plenary_selectors.plenary_snapshot
    monkeypatch.setattr(plenary_selectors, "plenary_snapshot", lambda *a, **k: builds.append(1) or build(*a, **k))
    PlenarySettings.objects.create(event=event, results_visible=True)
    _go_to(event, phases[2])
    log_in_as(client, participant)
    url = reverse("closing", args=[event.slug])
    with CaptureQueriesContext(connection) as building:
        first = client.get(url, {"part": "results"}).content.decode()
    assert len(builds) == 1 and "No results yet." in first
    with CaptureQueriesContext(connection) as reading:
        again = client.get(url, {"part": "results"}).content.decode()
    assert len(builds) == 1 and again == first
    assert len(building) - len(reading) >= 6, "the kept snapshot spares the snapshot's queries"

    with django_capture_on_commit_callbacks(execute=True):
        services.note_submit(
            group=teams["group"], session=questionnaire, data=notes_fixtures.FULL_ANSWERS, idempotency_key=uuid.uuid4()
        )
    built = len(builds)  # the broadcast builds the screens' snapshot (once)
    after = client.get(url, {"part": "results"}).content.decode()
    assert len(builds) == built + 1 and "No results yet." not in after and "N = 3" in after
    client.get(url, {"part": "results"})
    assert len(builds) == built + 1

    PlenarySettings.objects.filter(event=event).update(results_visible=False)  # no broadcast yet
    hidden = client.get(url, {"part": "results"}).content.decode()
    assert len(builds) == built + 2 and "The results will be shown when the organisers reveal them." in hidden


@pytest.mark.django_db
def test_the_survey_on_the_page_answers_errors_in_place_and_thanks_once(
    client, event, teams, phases, participant, survey
):
    _go_to(event, phases[2])
    log_in_as(client, participant)
    post = reverse("feedback_submit", args=[event.slug])
    response = client.post(post, _answers(survey, q1="9", q4="keep this"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "choose a number from 1 to 5" in html and "keep this" in html
    assert FeedbackAnswer.objects.count() == 0
    response = client.post(post, _answers(survey, q1="4", q4="keep this"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you for your feedback!" in html and "You have given your feedback." in html
    assert 'id="feedback-form"' not in html
    assert client.post(post, _answers(survey, q1="1")).status_code == 400
    assert FeedbackAnswer.objects.count() == 2
    assert Participant.objects.filter(feedback_given_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_the_control_room_and_the_export_show_the_answers(client, event, organiser, participant, survey):
    feedback.feedback_submit(participant=participant, data=_answers(survey, q1="4", q4="Longer breaks"))
    client.force_login(organiser)
    html = client.get(reverse("control_room", args=[event.slug])).content.decode()
    assert "Feedback survey" in html and "1 person has answered." in html
    assert "mean 4.0 of 5" in html and "Longer breaks" in html
    response = client.get(reverse("results_export", args=[event.slug, "feedback.csv"]))
    rows = list(csv.reader(io.StringIO(without_bom(response.content.decode()))))
    assert rows[0] == feedback.FEEDBACK_HEADER
    assert [survey[0].text, "scale", "1", "4.0", "4", "1", "100.0", ""] == rows[4][1:]
    assert rows[-1][-1] == "Longer breaks"


@pytest.mark.django_db
def test_default_questions_come_in_the_events_language_with_translations(organisation):
    from tests.factories import make_event

    event = make_event(organisation, slug="paris", language="fr")
    feedback.feedback_questions_create_defaults(event=event)
    first = FeedbackQuestion.objects.filter(event=event).order_by("order").first()
    assert first.text == "Dans l’ensemble, êtes-vous satisfait·e de l’événement ?"
    assert first.translations["en"]["text"] == "How satisfied are you with the event overall?"
    assert first.translations["es"]["text"].startswith("En general")
    assert "fr" not in first.translations
    assert feedback.feedback_questions_of(event, "es")[0]["text"].startswith("En general")


@pytest.mark.django_db
def test_the_admin_scopes_feedback_questions_and_adds_the_defaults(client, event, organiser, other_organiser):
    from sessions_app.models import Event

    other = Event.objects.get(slug="other")
    feedback.feedback_questions_create_defaults(event=other)
    client.force_login(organiser)
    listing = client.get("/admin/results/feedbackquestion/").content.decode()
    assert "How satisfied" not in listing
    response = client.post(
        "/admin/sessions_app/event/",
        {"action": "add_default_feedback_questions", "_selected_action": [event.pk, other.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert FeedbackQuestion.objects.filter(event=event).count() == len(feedback.DEFAULT_QUESTIONS)
    assert FeedbackQuestion.objects.filter(event=other).count() == len(feedback.DEFAULT_QUESTIONS)  # unchanged
    listing = client.get("/admin/results/feedbackquestion/").content.decode()
    assert "How satisfied" in listing
    change = client.get(f"/admin/sessions_app/event/{event.pk}/change/").content.decode()
    assert "next_steps_url" in change
    foreign = FeedbackQuestion.objects.filter(event=other).first()
    assert client.get(f"/admin/results/feedbackquestion/{foreign.pk}/change/").status_code in (302, 404)


@pytest.mark.django_db
def test_the_closing_page_follows_the_presenters_slide_with_the_own_group_marked(
    client, event, teams, questionnaire, phases, participant
):
    """A participant's phone shows what every screen shows now: the title, a question (its figures
    only once revealed), the recommendations with their own group's card marked, or a group put on
    screen, "Your group" only when it is theirs."""
    make_submission(teams["group"], questionnaire, notes_fixtures.FULL_ANSWERS)
    make_submission(teams["other_group"], questionnaire, notes_fixtures.FULL_ANSWERS)
    _go_to(event, phases[2])
    log_in_as(client, participant)
    url = reverse("closing", args=[event.slug])

    def now():
        part = client.get(url, {"part": "now"}).content.decode()
        assert 'id="closing-now"' in part and "<html" not in part
        return part

    assert 'data-kind="title"' in now() and 'id="closing-now"' in client.get(url).content.decode()
    outline = presentation_outline(event)
    question = next(i for i, s in enumerate(outline) if s["kind"] == "question")
    presentation_update(event=event, slide=question)
    shown = now()
    assert 'data-kind="question"' in shown and outline[question]["label"] in shown
    assert 'class="bar s0"' not in shown and "The figures will be shown when the organisers reveal them." in shown
    presentation_update(event=event, question=outline[question]["key"], reveal=True)
    assert 'class="bar s0"' in now()

    wall = next(i for i, s in enumerate(outline) if s["kind"] == RECOMMENDATIONS)
    presentation_update(event=event, slide=wall)
    shown = now()
    assert 'data-kind="recommendations"' in shown
    assert f'class="now-card mine" data-group="{teams["group"].pk}"' in shown
    assert f'class="now-card" data-group="{teams["other_group"].pk}"' in shown
    assert shown.count("Your group") == 1

    presentation_update(event=event, group=teams["other_group"])
    shown = now()
    assert 'data-kind="group"' in shown and "Your group" not in shown
    presentation_update(event=event, group=teams["group"])
    shown = now()
    assert 'class="now-card mine"' in shown and "Your group" in shown
