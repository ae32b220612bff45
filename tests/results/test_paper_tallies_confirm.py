"""A paper-tally upload never silently replaces a note taker's submitted results: it shows what
would change and asks, and writes only once the organiser confirms (on PostgreSQL in CI)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from results.answers import validate_group_results
from results.models import NoteRevision, NoteSubmission
from results.paper_tallies import paper_tallies_import
from results.selectors import session_question_specs
from tests.factories import make_groups, make_person
from tests.results import notes_fixtures

pytestmark = pytest.mark.django_db
questionnaire = notes_fixtures.questionnaire

FILE = b"group,question,option,count,valid,text\n1,q1,both,4,4,\n2,q1,threat,3,3,\n"


@pytest.fixture
def groups(event):
    return make_groups(event, 2)


def note_taker_submits(group, session, answers, *, number=1):
    person = make_person(group.event, role="note_taker", first_name="Nadia", last_name=f"N{number}")
    submission, _ = NoteSubmission.objects.get_or_create(group=group, session=session)
    data = validate_group_results(session_question_specs(session), {"answers": answers})[0]
    return NoteRevision.objects.create(
        submission=submission,
        number=number,
        data=data,
        submitted_by=person,
        idempotency_key=f"{group.pk:08d}-0000-4000-8000-{number:012d}",
    )


def post(client, event, session, **fields):
    return client.post(
        reverse("paper_tallies", args=[event.slug]) + f"?session={session.code}", {"session": session.code, **fields}
    )


def revisions(group):
    return list(
        NoteRevision.objects.filter(submission__group=group).order_by("number").values_list("number", flat=True)
    )


def test_the_page_shows_what_changes_and_writes_only_when_confirmed(client, organiser, event, questionnaire, groups):
    note_taker_submits(groups[0], questionnaire, {"q1": {"counts": {"threat": 2}}})
    client.force_login(organiser)
    response = post(client, event, questionnaire, file=SimpleUploadedFile("tallies.csv", FILE))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="paper-confirm"' in page
    assert "Group 1: revision 1, submitted by Nadia N1" in page and "<code>q1</code>" in page
    assert revisions(groups[0]) == [1] and revisions(groups[1]) == []  # nothing written, not even group 2
    confirmation = page.split('name="confirm" value="', 1)[1].split('"', 1)[0]

    done = post(client, event, questionnaire, confirm=confirmation)
    assert done.status_code == 302
    assert revisions(groups[0]) == [1, 2] and revisions(groups[1]) == [1]
    first = NoteRevision.objects.get(submission__group=groups[0], number=1)
    assert first.data["answers"]["q1"]["counts"]["threat"] == 2  # the note taker's results stay as history
    # the confirmation is used up
    assert post(client, event, questionnaire, confirm=confirmation).status_code == 400


def test_results_submitted_meanwhile_are_shown_again_not_replaced(event, questionnaire, groups):
    note_taker_submits(groups[0], questionnaire, {"q1": {"counts": {"threat": 2}}})
    asked = paper_tallies_import(event=event, session=questionnaire, data=FILE)
    assert asked.needs_confirmation
    note_taker_submits(groups[0], questionnaire, {"q1": {"counts": {"threat": 5}}}, number=2)
    again = paper_tallies_import(event=event, session=questionnaire, data=FILE, confirmed=asked.confirmation)
    assert again.needs_confirmation and again.replacing[0]["revision"] == 2
    assert revisions(groups[0]) == [1, 2]


def test_a_file_equal_to_the_note_takers_results_asks_nothing(event, questionnaire, groups):
    note_taker_submits(groups[0], questionnaire, {"q1": {"counts": {"both": 4}, "valid": 4}})
    result = paper_tallies_import(event=event, session=questionnaire, data=FILE)
    assert not result.needs_confirmation and result.ok


def test_a_confirmation_of_another_organiser_or_forged_is_refused(
    client, organiser, event, questionnaire, groups, django_user_model
):
    note_taker_submits(groups[0], questionnaire, {"q1": {"counts": {"threat": 2}}})
    client.force_login(organiser)
    page = post(client, event, questionnaire, file=SimpleUploadedFile("t.csv", FILE)).content.decode()
    confirmation = page.split('name="confirm" value="', 1)[1].split('"', 1)[0]
    colleague = django_user_model.objects.create_user(username="colleague", email="c@example.org", is_staff=True)
    event.organisation.members.add(colleague)
    client.force_login(colleague)
    assert post(client, event, questionnaire, confirm=confirmation).status_code == 400
    assert post(client, event, questionnaire, confirm="x" * 5000).status_code == 400
    assert post(client, event, questionnaire, confirm="0" * 64).status_code == 400
    assert revisions(groups[0]) == [1]
