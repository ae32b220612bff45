"""Phase titles and the feedback survey's questions in every language of the product: edited in the
admin as one field per language (never raw JSON), shown to each person in their language in the
lobby, the room, the control room, the closing page and the live state the pages follow."""

import html

import pytest
from django.urls import reverse

from groups import services as group_services
from groups import streams
from results import feedback
from results.models import FeedbackQuestion
from sessions_app.models import Event, Participant, Phase, Session
from sessions_app.phase_templates import event_phases_from_day0
from tests.helpers import log_in_as
from tests.results import notes_fixtures
from tests.sessions_app.test_admin_scoping import _event_form_data

questionnaire, teams = notes_fixtures.questionnaire, notes_fixtures.teams  # shared fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def phases(event):
    titles = [
        ("opening", "Opening", {"fr": {"title": "Ouverture"}, "es": {"title": "Apertura"}}),
        ("breakout", "Rooms", {"fr": {"title": "Salles"}}),
        ("plenary", "Closing", {"fr": {"title": "Clôture"}, "es": {"title": "Cierre"}}),
    ]
    return [
        Phase.objects.create(
            event=event, order=n, kind=kind, title=title, translations=translations, planned_minutes=10
        )
        for n, (kind, title, translations) in enumerate(titles, start=1)
    ]


def _with_phase_titles(data, titles):
    """The event form's data with each phase's translated titles ({row: {language: title}})."""
    for row, by_language in titles.items():
        for language in ("en", "fr", "es"):
            data[f"phases-{row}-translation_{language}_title"] = by_language.get(language, "")
    return data


# --- The admin --------------------------------------------------------------------------------


def test_the_event_page_edits_each_phase_title_as_one_field_per_language(client, organiser, event, phases):
    Session.objects.create(event=event, order=1, code="topic", title="Topic")
    client.force_login(organiser)
    url = f"/admin/sessions_app/event/{event.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="phases-0-translation_fr_title"' in page and 'value="Ouverture"' in page
    assert 'name="phases-0-translation_es_title"' in page and 'value="Apertura"' in page
    assert 'name="phases-0-translations"' not in page  # no raw JSON
    assert '<label class="inline" for="id_phases-0-translation_fr_title">title (French):</label>' in page
    # Labelled for screen readers: a tabular inline's fields (its column headers are not labels),
    # the split dates and times.
    assert '<label class="visually-hidden" for="id_sessions-0-title">' in page
    assert '<label for="id_starts_at_0">' in page and '<label for="id_starts_at_1">' in page
    data = _with_phase_titles(
        _event_form_data(event),
        {0: {"fr": "Accueil"}, 1: {"fr": "Salles", "es": "Salas"}, 2: {"fr": "Clôture", "es": "Cierre"}},
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = {phase.order: phase.translations for phase in event.phases.all()}
    assert stored == {
        1: {"fr": {"title": "Accueil"}},  # Spanish emptied
        2: {"fr": {"title": "Salles"}, "es": {"title": "Salas"}},
        3: {"fr": {"title": "Clôture"}, "es": {"title": "Cierre"}},
    }


@pytest.mark.parametrize("bad", ["Acc\x00ueil", "x" * 10_001])
def test_a_bad_phase_title_translation_is_refused_and_nothing_is_saved(client, organiser, event, phases, bad):
    client.force_login(organiser)
    url = f"/admin/sessions_app/event/{event.pk}/change/"
    data = _with_phase_titles(_event_form_data(event), {0: {"fr": bad}, 1: {"es": "Salas"}})
    data["title"] = "Renamed"
    response = client.post(url, data)
    # A NUL is refused before the form with a 400 page; a too long text by the form, in place.
    assert response.status_code == (400 if "\x00" in bad else 200)
    assert "errorlist" in response.content.decode() or response.status_code == 400
    event.refresh_from_db()
    assert event.title != "Renamed"
    assert [phase.translations for phase in event.phases.all()] == [phase.translations for phase in phases]


def test_a_feedback_question_is_translated_one_field_per_language(client, organiser, event, other_organiser):
    feedback.feedback_questions_create_defaults(event=event)
    question = FeedbackQuestion.objects.filter(event=event).order_by("order").first()
    french = question.translations["fr"]["text"]
    client.force_login(organiser)
    url = f"/admin/results/feedbackquestion/{question.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="translation_fr_text"' in page and html.escape(french) in page
    assert 'name="translation_es_text"' in page
    assert 'name="translations"' not in page  # no raw JSON
    form = {"event": event.pk, "order": 1, "kind": "scale", "text": question.text}
    response = client.post(url, {**form, "translation_fr_text": "Satisfait ?", "translation_es_text": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.translations == {"fr": {"text": "Satisfait ?"}}
    # A NUL, or another partner's event posted by hand: refused, nothing changed.
    # (A NUL is refused before the form, with a 400 page.)
    for changes, status in (
        ({"translation_fr_text": "Sat\x00isfait"}, 400),
        ({"translation_es_text": "x" * 10_001}, 200),
        ({"event": Event.objects.get(slug="other").pk}, 200),
    ):
        response = client.post(url, {**form, "translation_fr_text": "Changed", **changes})
        assert response.status_code == status, changes
        assert status == 400 or "errorlist" in response.content.decode()
        question.refresh_from_db()
        assert question.translations == {"fr": {"text": "Satisfait ?"}} and question.event_id == event.pk


def test_the_ready_made_plan_and_the_demo_come_with_french_and_spanish_titles(event):
    event_phases_from_day0(event=event)
    assert [phase.translations for phase in event.phases.all()] == [
        {"fr": {"title": "Ouverture"}, "es": {"title": "Apertura"}},
        {"fr": {"title": "Salles de discussion"}, "es": {"title": "Salas de grupos"}},
        {"fr": {"title": "Résultats et conclusion"}, "es": {"title": "Resultados y conclusión"}},
    ]


# --- What people see --------------------------------------------------------------------------


def test_the_lobby_shows_the_phase_titles_in_the_reader_s_language(client, event, phases, participant):
    group_services.phase_start(event=event, phase=phases[0])
    log_in_as(client, participant)
    for language, running, second in (
        ("fr", "Ouverture", "Salles"),
        ("es", "Apertura", "Rooms"),
        ("en", "Opening", "Rooms"),
    ):
        page = client.get(reverse("lobby", args=[event.slug]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<span id="phase-title">{running}</span>' in page, language
        assert f'class="current">{running} – ' in page and f"<li>{second} – " in page, language


def test_the_room_and_the_control_room_show_the_phase_title_in_the_reader_s_language(
    client, event, teams, phases, facilitator, organiser
):
    group_services.phase_start(event=event, phase=phases[1])
    Participant.objects.filter(pk=facilitator.pk).update(checked_in_at=event.starts_at)
    log_in_as(client, facilitator)
    page = client.get(reverse("lobby", args=[event.slug]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'data-view="room"' in page and '<span id="phase-title">Salles</span>' in page
    assert "<li>Ouverture (" in page and "<li>Clôture (" in page  # the facilitator's agenda
    client.logout()
    client.force_login(organiser)
    page = client.get(reverse("control_room", args=[event.slug]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Apertura" in page and "Cierre" in page and "<strong>Rooms</strong>" in page


def test_the_closing_page_shows_the_phase_and_the_survey_in_the_reader_s_language(
    client, event, teams, phases, participant
):
    feedback.feedback_questions_create_defaults(event=event)
    group_services.phase_start(event=event, phase=phases[2])
    log_in_as(client, participant)
    for language, title in (("fr", "Clôture"), ("es", "Cierre"), ("en", "Closing")):
        page = client.get(reverse("closing", args=[event.slug]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<span id="phase-title">{title}</span>' in page, language
        for question in FeedbackQuestion.objects.filter(event=event):
            text = (question.translations.get(language) or {}).get("text", question.text)
            assert html.escape(text) in page, (language, text)


def test_the_live_state_carries_the_titles_for_the_pages_to_choose(event, phases):
    group_services.phase_start(event=event, phase=phases[0])
    phases[0].refresh_from_db()
    payload = streams.phase_payload(phases[0])
    assert payload["title"] == "Opening" and payload["titles"] == {"fr": "Ouverture", "es": "Apertura"}
