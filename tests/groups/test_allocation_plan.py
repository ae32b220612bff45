"""The plan shown before "Form groups", its alternative, and the control-room actions around a
run: asking a participant to take the notes, cancelling, and their refusals."""

import json

import pytest
from django.utils import timezone

from groups.allocation_plan import event_plan
from groups.allocator_input import event_people
from groups.models import Allocation, GroupMembership
from sessions_app.models import Participant
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def crowd(event, english, french, facilitators, note_takers, staff_languages="en, fr"):
    now = timezone.now()
    for i in range(english):
        make_person(event, first_name=f"E{i}", languages="en", checked_in_at=now)
    for i in range(french):
        make_person(event, first_name=f"F{i}", languages="fr, en", checked_in_at=now)
    for i in range(facilitators):
        make_person(event, role="facilitator", first_name=f"Fa{i}", languages=staff_languages, checked_in_at=now)
    for i in range(note_takers):
        make_person(event, role="note_taker", first_name=f"No{i}", languages=staff_languages, checked_in_at=now)
    return event_plan(event, *event_people(event))


def test_the_plan_says_in_plain_words_what_forming_groups_will_do(event):
    event.uneven_groups = "smaller"
    event.save()
    plan = crowd(event, english=33, french=8, facilitators=7, note_takers=8)
    assert plan.summary() == (
        "41 participants checked in (English 33, French 8) → 9 groups: 5 of 5, 4 of 4 · "
        "7 facilitators for 9 groups: 2 groups will have none · "
        "8 note takers: 1 group will have none; you can ask a participant to take the notes"
    )
    assert plan.alternative is not None
    assert plan.alternative.groups == 7 and plan.alternative.missing_facilitators == 0
    assert plan.alternative.groups_text() == "7 groups: 3 of 7, 2 of 6, 2 of 4"


def test_a_set_too_small_for_a_group_and_staff_who_do_not_speak_it_are_named(event):
    plan = crowd(event, english=20, french=3, facilitators=5, note_takers=5, staff_languages="en")
    assert plan.groups == 5 and plan.sets[1].sizes == [3]
    assert plan.size_warnings() == ["French: 3 people, too few for a full group; they form one group of 3."]
    assert "1 group will have none (French)" in plan.summary()
    assert plan.alternative is None  # no facilitator works in French: fewer groups cannot help


def test_choosing_the_alternative_gives_every_group_a_facilitator(
    client, event, organiser, django_capture_on_commit_callbacks
):
    crowd(event, english=30, french=0, facilitators=4, note_takers=6)
    client.force_login(organiser)
    page = client.get(f"/events/{event.slug}/control/").content.decode()
    assert "6 groups" in page and "2 groups will have no facilitator" in page
    assert "Form 4 groups: 2 of 8, 2 of 7 instead" in page
    for code_name in ("allow_volunteer_note_takers", "rounding", "keep together"):
        assert code_name not in page
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/events/{event.slug}/control/allocation/",
            {"fewer_groups": "on", "seed": "3"},
            HTTP_ACCEPT="application/json",
        )
    assert answer.status_code == 200 and answer.json() == {"ok": True, "message": "", "warnings": []}
    run = Allocation.objects.get(event=event, is_current=True)
    assert run.parameters["fewer_groups"] and run.groups.count() == 4
    for group in run.groups.all():
        assert group.memberships.filter(role="facilitator").count() == 1
    assert run.report["groups_without_facilitator"] == []


def test_refusals_answer_json_with_the_page_to_change_it(client, event, organiser):
    client.force_login(organiser)
    answer = client.post(f"/events/{event.slug}/control/allocation/", {}, HTTP_ACCEPT="application/json")
    body = answer.json()
    assert answer.status_code == 400 and not body["ok"] and "Nobody is checked in" in body["message"]
    assert body["link"].startswith("/admin/sessions_app/participant/")
    assert not Allocation.objects.exists()


def test_asking_a_participant_to_take_the_notes(
    client, event, organiser, other_organiser, outsider, django_capture_on_commit_callbacks
):
    crowd(event, english=10, french=0, facilitators=2, note_takers=0)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/events/{event.slug}/control/allocation/", {"seed": "1"}, HTTP_ACCEPT="application/json")
    run = Allocation.objects.get(event=event, is_current=True)
    assert run.report["groups_without_note_taker"] == [1, 2]
    page = client.get(f"/events/{event.slug}/control/").content.decode()
    assert page.count("No note taker: ask") == 2
    seat = GroupMembership.objects.filter(allocation=run, role="participant").first()
    url = f"/events/{event.slug}/control/note-taker/"
    answer = client.post(url, {"volunteer": seat.participant_id}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and "takes the notes" in answer.json()["message"]
    seat.refresh_from_db()
    assert seat.role == "note_taker"
    # Twice changes nothing; another of that group is refused; a foreign id is refused.
    assert client.post(url, {"volunteer": seat.participant_id}, HTTP_ACCEPT="application/json").status_code == 200
    other = GroupMembership.objects.filter(group=seat.group, role="participant").first()
    answer = client.post(url, {"volunteer": other.participant_id}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and "already has a note taker" in answer.json()["message"]
    answer = client.post(url, {"volunteer": outsider.pk}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and outsider.memberships.count() == 0
    for bad in ("", "abc", "99999999999999999999", "\x00"):
        assert client.post(url, {"volunteer": bad}, HTTP_ACCEPT="application/json").status_code == 400
    assert GroupMembership.objects.filter(allocation=run, role="note_taker").count() == 1


def test_cancelling_a_run_is_for_this_events_runs_only(client, event, organiser, other_organiser):
    from sessions_app.models import Event

    crowd(event, english=10, french=0, facilitators=2, note_takers=2)
    pending = Allocation.objects.create(event=event, seed=1, parameters={"time_limit": 10})
    foreign = Allocation.objects.create(event=Event.objects.get(slug="other"), seed=1)
    client.force_login(organiser)
    url = f"/events/{event.slug}/control/allocation-cancel/"
    answer = client.post(url, {"allocation": foreign.pk}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400
    foreign.refresh_from_db()
    assert foreign.status == "pending"
    answer = client.post(url, {"allocation": pending.pk}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and json.loads(answer.content)["ok"]
    pending.refresh_from_db()
    assert pending.status == "cancelled"
    client.force_login(other_organiser)
    assert client.post(url, {"allocation": pending.pk}).status_code in (302, 403, 404)
    assert Participant.objects.filter(event=event).count() == 14
