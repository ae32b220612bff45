"""The admin as an organiser's tool: readable numbers, questions that can be answered, the Day 0 plan."""

import pytest

from groups.models import Allocation
from sessions_app.models import Event, Option, Phase, Question, Session

pytestmark = pytest.mark.django_db


def test_the_allocation_score_and_duration_are_readable(client, organiser, event):
    allocation = Allocation.objects.create(event=event, seed=1, score=40.44444444444444, duration_seconds=2.3456789)
    client.force_login(organiser)
    listing = client.get("/admin/groups/allocation/").content.decode()
    assert "40.4<" in listing and "40.444" not in listing
    assert "2.3<" in listing and "2.345" not in listing
    page = client.get(f"/admin/groups/allocation/{allocation.pk}/change/").content.decode()
    assert "40.4" in page and "40.444" not in page


@pytest.fixture
def session(event):
    return Session.objects.create(event=event, order=1, code="s", title="Topic")


def _question_form(session, *, max_choices, options):
    data = {
        "session": session.pk,
        "order": 1,
        "code": "q1",
        "kind": "multiple",
        "respondent": "individual",
        "text": "Which ones?",
        "max_choices": max_choices,
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": 0,
    }
    for i, label in enumerate(options):
        data.update({f"options-{i}-order": i + 1, f"options-{i}-code": f"o{i}", f"options-{i}-label": label})
    return data


def test_a_multiple_choice_question_with_fewer_options_than_its_maximum_is_refused(client, organiser, session):
    client.force_login(organiser)
    response = client.post(
        "/admin/sessions_app/question/add/", _question_form(session, max_choices=3, options=["A", "B"])
    )
    assert response.status_code == 200
    assert "allows up to 3 choices but has 2 options" in response.content.decode()
    assert not Question.objects.exists() and not Option.objects.exists()
    response = client.post(
        "/admin/sessions_app/question/add/", _question_form(session, max_choices=2, options=["A", "B"])
    )
    assert response.status_code == 302
    assert Question.objects.get().options.count() == 2


def test_deleting_options_below_the_maximum_is_refused(client, organiser, session):
    question = Question.objects.create(session=session, order=1, code="q1", kind="multiple", text="?", max_choices=2)
    options = [Option.objects.create(question=question, order=i, code=f"o{i}", label=f"O{i}") for i in (1, 2)]
    client.force_login(organiser)
    data = _question_form(session, max_choices=2, options=[])
    data.update({"options-TOTAL_FORMS": 2, "options-INITIAL_FORMS": 2})
    for i, option in enumerate(options):
        data.update(
            {
                f"options-{i}-id": option.pk,
                f"options-{i}-question": question.pk,
                f"options-{i}-order": option.order,
                f"options-{i}-code": option.code,
                f"options-{i}-label": option.label,
            }
        )
    data["options-1-DELETE"] = "on"
    response = client.post(f"/admin/sessions_app/question/{question.pk}/change/", data)
    assert response.status_code == 200 and "has 1 options" in response.content.decode()
    assert question.options.count() == 2


def test_raising_the_maximum_on_the_session_page_beyond_the_options_is_refused(client, organiser, session):
    question = Question.objects.create(session=session, order=1, code="q1", kind="multiple", text="?", max_choices=1)
    Option.objects.create(question=question, order=1, code="o1", label="O1")
    client.force_login(organiser)
    data = {
        "event": session.event_id,
        "order": 1,
        "code": "s",
        "title": "Topic",
        "questions-TOTAL_FORMS": 1,
        "questions-INITIAL_FORMS": 1,
        "questions-0-id": question.pk,
        "questions-0-session": session.pk,
        "questions-0-order": 1,
        "questions-0-code": "q1",
        "questions-0-kind": "multiple",
        "questions-0-respondent": "individual",
        "questions-0-text": "?",
        "questions-0-max_choices": 4,
    }
    response = client.post(f"/admin/sessions_app/session/{session.pk}/change/", data)
    assert response.status_code == 200, response.get("Location")
    assert "allows up to 4 choices but has 1 options" in response.content.decode()
    question.refresh_from_db()
    assert question.max_choices == 1


def _action(client, event_ids):
    return client.post(
        "/admin/sessions_app/event/",
        {"action": "set_up_day0_phases", "_selected_action": event_ids},
        follow=True,
    )


def test_the_day_0_plan_sets_up_the_seed_s_phases_in_one_click(client, organiser, event, session):
    client.force_login(organiser)
    response = _action(client, [event.pk])
    assert "3 phases set up" in response.content.decode()
    assert list(event.phases.values_list("order", "kind", "title", "planned_minutes", "session")) == [
        (1, "opening", "Opening", 15, None),
        (2, "breakout", "Break-out rooms", 45, session.pk),
        (3, "plenary", "Results and conclusion", 20, None),
    ]
    # A second click adds nothing and says so.
    response = _action(client, [event.pk])
    assert "already has phases" in response.content.decode()
    assert event.phases.count() == 3


def test_the_day_0_plan_never_touches_another_organisation_s_event(client, other_organiser, event):
    client.force_login(other_organiser)
    response = _action(client, [event.pk])  # another partner's event id, posted by hand
    assert response.status_code == 200
    assert not Phase.objects.filter(event=event).exists()
    own = Event.objects.get(slug="other")
    _action(client, [own.pk, event.pk])
    assert own.phases.count() == 3 and not event.phases.exists()


def test_a_participant_cannot_use_the_day_0_plan(client, outsider, event):
    from tests.helpers import log_in_as

    log_in_as(client, outsider)
    response = _action(client, [event.pk])
    assert response.status_code == 200 and "/admin/login/" in response.redirect_chain[0][0]
    assert not event.phases.exists()


def test_an_event_of_a_dialogue_keeps_its_dialogue_s_plan(event):
    from dialogues.models import Dialogue
    from sessions_app.phase_templates import event_phases_from_day0

    event.dialogue = Dialogue.objects.create(title="Global", slug="global")
    event.save()
    outcome = event_phases_from_day0(event=event)
    assert outcome.refused and not event.phases.exists()


def test_translations_are_edited_as_one_field_per_language(client, organiser, session):
    session.translations = {"fr": {"title": "Sujet"}, "de": {"title": "Thema"}}
    session.save()
    client.force_login(organiser)
    page = client.get(f"/admin/sessions_app/session/{session.pk}/change/").content.decode()
    assert 'name="translation_fr_title"' in page and 'value="Sujet"' in page
    assert 'name="translation_es_material"' in page
    assert 'name="translations"' not in page  # no raw JSON
    data = {
        "event": session.event_id,
        "order": 1,
        "code": "s",
        "title": "Topic",
        "translation_fr_title": "",
        "translation_es_title": "Tema",
        "translation_es_material": "Texto",
        "questions-TOTAL_FORMS": 0,
        "questions-INITIAL_FORMS": 0,
    }
    response = client.post(f"/admin/sessions_app/session/{session.pk}/change/", data)
    assert response.status_code == 302
    session.refresh_from_db()
    # French emptied, Spanish added, a language of an imported file kept.
    assert session.translations == {"es": {"title": "Tema", "material": "Texto"}, "de": {"title": "Thema"}}


def test_an_option_s_translations_are_fields_of_its_row(client, organiser, session):
    client.force_login(organiser)
    data = _question_form(session, max_choices=1, options=["Yes"])
    data.update({"kind": "single", "max_choices": "", "options-0-translation_fr_label": "Oui"})
    data.update({"translation_fr_text": "Lesquels ?"})
    response = client.post("/admin/sessions_app/question/add/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    question = Question.objects.get()
    assert question.translations == {"fr": {"text": "Lesquels ?"}}
    assert question.options.get().translations == {"fr": {"label": "Oui"}}


def test_a_translation_with_a_nul_is_refused_and_nothing_is_saved(client, organiser, session):
    client.force_login(organiser)
    data = _question_form(session, max_choices=1, options=["Yes"])
    data.update({"kind": "single", "max_choices": "", "options-0-translation_fr_label": "O\x00ui"})
    response = client.post("/admin/sessions_app/question/add/", data)
    assert response.status_code in (200, 400)
    assert not Question.objects.exists()


def test_a_translation_with_a_lone_surrogate_says_what_is_wrong(session):
    from django.forms import modelform_factory

    from sessions_app.admin import SessionAdmin

    form_class = modelform_factory(Session, form=SessionAdmin.form, fields=["event", "order", "code", "title"])
    form = form_class(
        {"event": session.event_id, "order": 2, "code": "t", "title": "T", "translation_fr_title": "O\ud800ui"},
        instance=Session(event=session.event),
    )
    assert not form.is_valid()
    assert "surrogate" in str(form.errors["translation_fr_title"])
