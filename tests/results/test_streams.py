"""Changes of results bring the screens up to date: the plenary's snapshot before, with the
snapshots a change sends, equals a fresh one after; opening a question reaches the vote pages
through the event's state (tests.streams.verify_action)."""

import uuid

import pytest

from groups.streams import control_group, event_group
from results import services
from results.models import PlenarySettings
from results.paper_tables import paper_groups_create
from results.streams import plenary_group_name
from tests.factories import make_groups
from tests.streams import control_view, event_view, plenary_view, verify_action

pytestmark = pytest.mark.django_db


def answers(opportunity, threat):
    return {"answers": {"q1": {"counts": {"opportunity": opportunity, "threat": threat}}}}


def plenary_views(event):
    return {plenary_group_name(event.pk): plenary_view(event)}


def test_a_submitted_note_reaches_the_plenary(event, session):
    groups = make_groups(event, 2)
    PlenarySettings.objects.create(event=event, results_visible=True)
    for group, data in zip(groups, [answers(2, 0), answers(0, 3)], strict=True):
        events = verify_action(
            lambda group=group, data=data: services.note_submit(
                group=group, session=session, data=data, idempotency_key=uuid.uuid4()
            ),
            plenary_views(event),
        )
        assert [p["type"] for g, p in events] == ["plenary.snapshot"]
    assert events[-1][1]["groups_submitted"] == 2


def test_changing_what_the_plenary_shows(event, session):
    (group,) = make_groups(event, 1)
    events = verify_action(
        lambda: services.plenary_settings_update(event=event, results_visible=True, on_screen_group=group),
        plenary_views(event),
    )
    assert events[-1][1]["type"] == "plenary.snapshot"


def test_opening_and_closing_a_question_reaches_the_vote_pages(event, session):
    question = session.questions.first()
    views = {event_group(event.pk): event_view(event), control_group(event.pk): control_view(event)}
    events = verify_action(lambda: services.question_open_set(event=event, question=question, is_open=True), views)
    assert events[0][1]["open_questions"] == [question.pk]
    events = verify_action(lambda: services.question_open_set(event=event, question=question, is_open=False), views)
    assert events[0][1]["open_questions"] == []


def test_paper_tables_are_a_grouping_every_page_hears_of(event, organiser):
    views = {event_group(event.pk): event_view(event), control_group(event.pk): control_view(event)}
    events = verify_action(lambda: paper_groups_create(event=event, count=3, user=organiser), views)
    assert events[0][1]["allocation"] is not None
