"""The vote page and the notes form follow the event: what the server draws them from, and what
it sends them when a question opens or closes."""

import re

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse

from results import services
from sessions_app.models import Question
from tests.groups.test_consumers import cookie_for_person, open_stream
from tests.helpers import log_in_as
from tests.results import notes_fixtures

questionnaire, teams = notes_fixtures.questionnaire, notes_fixtures.teams  # shared fixtures


def scripts_are_files_or_data(html: str) -> None:
    """No inline code (the Content-Security-Policy allows none): scripts are files or JSON data."""
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
        assert "src=" not in attributes or not body.strip()


@pytest.mark.django_db
def test_the_vote_page_says_what_it_was_drawn_from_and_which_questions_are_open(
    client, event, teams, questionnaire, participant
):
    q1 = Question.objects.get(session=questionnaire, code="q1")
    q1.is_open = True
    q1.save(update_fields=["is_open"])
    q2 = Question.objects.get(session=questionnaire, code="q2")
    log_in_as(client, participant)
    html = client.get(reverse("vote", args=[event.slug])).content.decode()
    allocation = teams["group"].allocation_id
    assert f'data-view-key=":{allocation}"' in html
    assert f'data-follow-url="{reverse("lobby", args=[event.slug])}"' in html
    assert "js/follow.js" in html and 'id="connection"' in html and 'id="broadcast"' in html
    open_box = re.search(rf'data-question-id="{q1.pk}"[^>]*>.*?data-closed-notice([^>]*)>', html, re.S)
    closed_box = re.search(rf'data-question-id="{q2.pk}"([^>]*)>.*?data-closed-notice([^>]*)>', html, re.S)
    assert "hidden" in open_box.group(1)
    assert "disabled" in closed_box.group(1) and "hidden" not in closed_box.group(2)
    scripts_are_files_or_data(html)


@pytest.mark.django_db
def test_the_notes_form_follows_the_event_for_people_and_not_for_organisers(
    client, event, teams, questionnaire, note_taker, organiser
):
    url = reverse("notes_start", args=[event.slug, teams["group"].pk])
    log_in_as(client, note_taker)
    html = client.get(url, follow=True).content.decode()
    assert "data-follow-url=" in html and "js/follow.js" in html
    assert html.index("js/follow.js") < html.index("js/notes.js")  # notes.js holds the move back
    assert "The rooms are closing, your notes are saved." in html
    scripts_are_files_or_data(html)
    client.logout()
    client.force_login(organiser)
    html = client.get(url, follow=True).content.decode()
    assert "js/notes.js" in html
    assert "data-follow-url=" not in html and "js/follow.js" not in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_opening_and_closing_a_question_reaches_the_persons_stream(event, teams, questionnaire, participant):
    q1 = await database_sync_to_async(Question.objects.get)(session=questionnaire, code="q1")
    me, connected, _ = await open_stream(f"/ws/events/{event.slug}/me/", await cookie_for_person(participant))
    assert connected
    snapshot = await me.receive_json_from()
    assert snapshot["type"] == "event.state" and q1.pk not in snapshot["open_questions"]
    await me.receive_json_from()  # the room's presence
    await database_sync_to_async(services.question_open_set)(event=event, question=q1, is_open=True)
    opened = await me.receive_json_from(timeout=5)
    assert opened["type"] == "event.state" and opened["open_questions"] == [q1.pk]
    assert opened["version"] == snapshot["version"] + 1
    assert opened["allocation"] == snapshot["allocation"]  # the same grouping: nobody is moved
    await database_sync_to_async(services.question_open_set)(event=event, question=q1, is_open=False)
    closed = await me.receive_json_from(timeout=5)
    assert closed["open_questions"] == [] and closed["version"] == opened["version"] + 1
    await me.disconnect()
