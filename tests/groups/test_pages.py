"""The person's page (lobby or room) and the control room: who sees what."""

import re

import pytest

from groups import services
from groups.models import GroupMembership, HelpCall, RoomMessage
from tests.factories import make_person
from tests.helpers import log_in_as

pytestmark = pytest.mark.django_db


def test_lobby_before_the_breakout_and_room_during_it(client, event, phases, grouped, participant):
    event.video_provider = "in_person"
    event.save()
    log_in_as(client, participant)
    client.post(f"/events/{event.slug}/check-in/")
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert 'data-view="lobby"' in page and "Your group: Group 1" in page
    services.phase_start(event=event, phase=phases[1])
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert 'data-view="room"' in page and "<h1>Group 1</h1>" in page
    # Only the room's member list: the page's random CSRF token may contain "P1".
    members = page.split('<ul class="members" id="room-members">', 1)[1].split("</ul>", 1)[0]
    assert "Farid" in members and "Nora" in members and "P0" in members and "P1" not in members
    group = grouped.groups.get(number=1)
    assert f"https://meet.jit.si/x-{group.room_token}" not in page  # no template: in person
    assert "In person: table 1" in page
    services.phase_end(event=event)
    assert 'data-view="lobby"' in client.get(f"/events/{event.slug}/").content.decode()


def test_the_room_tells_members_of_one_first_name_apart_and_marks_the_reader(
    client, event, phases, grouped, participant
):
    """Two members named Amina: each shows with their last name's initial, and the reader's own
    row says "(you)"; a first name of its own stays as it is."""
    participant.last_name = "Haddad"
    participant.save()
    namesake = make_person(event, first_name="Amina", last_name="Okafor", languages="en")
    GroupMembership.objects.create(
        group=grouped.groups.get(number=1), participant=namesake, allocation=grouped, round=1
    )
    log_in_as(client, participant)
    services.phase_start(event=event, phase=phases[1])
    page = client.get(f"/events/{event.slug}/").content.decode()
    members = page.split('<ul class="members" id="room-members">', 1)[1].split("</ul>", 1)[0]
    assert "Amina H. <strong>(you)</strong>" in members
    assert "Amina O." in members and "Amina O. <strong>" not in members
    assert "Farid" in members and not re.search(r"Farid \w\.", members)
    assert members.count("(you)") == 1


def test_video_link_is_unique_per_group(client, event, phases, grouped, participant):
    event.video_provider = "link"
    event.video_link_template = "https://meet.jit.si/wti-{room}"
    event.save()
    services.phase_start(event=event, phase=phases[1])
    log_in_as(client, participant)
    page = client.get(f"/events/{event.slug}/").content.decode()
    tokens = {g.room_token for g in grouped.groups.all()}
    assert len(tokens) == 2 and all(len(t) >= 20 for t in tokens)
    assert f"https://meet.jit.si/wti-{grouped.groups.get(number=1).room_token}" in page
    assert grouped.groups.get(number=2).room_token not in page


def test_a_hostile_address_stored_earlier_is_never_rendered(client, event, phases, grouped, participant):
    from sessions_app.models import Session

    Session.objects.create(event=event, order=1, code="s", title="S", material_url="javascript:alert(1)")
    event.video_provider = "link"
    event.video_link_template = "javascript:alert('{room}')"
    event.save()  # as if stored before the fields were checked
    services.phase_start(event=event, phase=phases[1])
    log_in_as(client, participant)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert 'data-view="room"' in page
    assert "javascript:" not in page
    assert "In person: table 1" in page


def test_role_views(client, event, phases, grouped, facilitator, note_taker):
    services.phase_start(event=event, phase=phases[1])
    log_in_as(client, facilitator)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "You facilitate this group" in page and "Time plan" in page
    client.logout()
    log_in_as(client, note_taker)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "You take this group's notes" in page and "Group results" in page


def test_in_the_closing_plenary_staff_find_their_groups_results_to_present(
    client, event, phases, grouped, note_taker, facilitator, participant
):
    """The note taker presents the group's results: their lobby in the closing plenary links to
    them (the room with its link is gone); participants get their closing page instead."""
    from sessions_app.models import Session

    Session.objects.create(event=event, order=1, code="s", title="S")
    services.phase_start(event=event, phase=phases[1])
    services.phase_start(event=event, phase=phases[2])
    group = grouped.groups.get(number=1)
    for person in (note_taker, facilitator):
        log_in_as(client, person)
        page = client.get(f"/events/{event.slug}/").content.decode()
        assert 'data-view="lobby"' in page and 'id="present-results"' in page
        assert f'href="/events/{event.slug}/notes/{group.pk}/"' in page
        assert "Present the results of Group 1 in the plenary" in page
        assert client.get(f"/events/{event.slug}/notes/{group.pk}/", follow=True).status_code == 200
    log_in_as(client, participant)
    assert client.get(f"/events/{event.slug}/").status_code == 302  # to the closing page
    services.phase_start(event=event, phase=phases[0])
    log_in_as(client, note_taker)
    assert 'id="present-results"' not in client.get(f"/events/{event.slug}/").content.decode()


def test_staff_left_without_a_group_are_told_so_not_that_a_place_is_being_found(
    client, event, phases, grouped, participant
):
    spare = make_person(event, role="facilitator", first_name="Spare", languages="en")
    log_in_as(client, spare)
    client.post(f"/events/{event.slug}/check-in/")
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "you are not in one: wait here for the organisers, who may move you into a group" in page
    assert "an organiser is finding you a place" not in page
    late = make_person(event, first_name="Late", languages="ja")  # no group speaks their language
    log_in_as(client, late)
    client.post(f"/events/{event.slug}/check-in/")
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "an organiser is finding you a place" in page and "you are not in one" not in page


def test_help_call_from_the_room(client, event, phases, grouped, participant):
    url = f"/events/{event.slug}/help/"
    assert client.post(url).status_code == 403
    log_in_as(client, participant)
    assert client.post(url, HTTP_ACCEPT="application/json").json()["status"] == "waiting"
    client.post(url)
    assert HelpCall.objects.filter(participant=participant).count() == 1


def test_control_room_counts_and_refuses_outsiders(
    client, event, phases, grouped, organiser, other_organiser, participant
):
    url = f"/events/{event.slug}/control/"
    assert "/accounts/login/" in client.get(url)["Location"]
    log_in_as(client, participant)
    assert client.get(url).status_code == 302
    client.force_login(other_organiser)
    assert client.get(url).status_code == 404
    assert client.get(url + "?panel=1").status_code == 404
    assert client.post(url + "phase-start/", {"phase": phases[0].pk}).status_code == 404
    client.force_login(organiser)
    page = client.get(url).content.decode()
    assert 'id="count-registered">4<' in page  # 4 participants, staff counted apart
    assert "Group 1" in page and "Group 2" in page
    panel = client.get(url + "?panel=1").content.decode()
    assert "<html" not in panel and "Group 1" in panel


def test_control_actions(client, event, phases, grouped, organiser, participant):
    client.force_login(organiser)
    base = f"/events/{event.slug}/control/"
    assert client.post(base + "phase-start/", {"phase": phases[1].pk}).status_code == 302
    assert event.running_phase() == phases[1]
    client.post(base + "phase-extend/", {"minutes": "10"})
    response = client.post(base + "phase-extend/", {"minutes": "abc"}, follow=True)
    assert "Enter a whole number" in response.content.decode()
    client.post(base + "message/", {"text": "<script>alert(1)</script>"})
    assert RoomMessage.objects.get().text == "<script>alert(1)</script>"
    page = client.get(base).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    group2 = grouped.groups.get(number=2)
    response = client.post(base + "move/", {"participant": participant.pk, "group": group2.pk}, follow=True)
    assert "moved to Group 2" in response.content.decode()
    assert GroupMembership.objects.get(participant=participant).group == group2
    call = services.help_call_create(participant=participant)
    client.post(base + "help-acknowledge/", {"call": call.pk})
    call.refresh_from_db()
    assert call.acknowledged_at is not None
    client.post(base + "phase-end/")
    assert event.running_phase() is None
    response = client.post(base + "phase-end/", follow=True)
    assert "No phase is running" in response.content.decode()
    assert client.post(base + "nonsense/").status_code == 404
    assert client.get(base + "phase-end/").status_code == 405


def test_control_forms_only_take_this_events_objects(client, event, phases, grouped, organiser, outsider):
    client.force_login(organiser)
    base = f"/events/{event.slug}/control/"
    group = grouped.groups.get(number=1)
    response = client.post(base + "move/", {"participant": outsider.pk, "group": group.pk}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    assert not GroupMembership.objects.filter(participant=outsider).exists()


def test_control_actions_need_csrf(event, phases, organiser):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    assert client.post(f"/events/{event.slug}/control/phase-start/", {"phase": phases[0].pk}).status_code == 403
    assert event.running_phase() is None


def test_lobby_shows_check_in_then_confirmation(client, event, phases):
    person = make_person(event, first_name="Zed")
    log_in_as(client, person)
    assert "I am here: check in" in client.get(f"/events/{event.slug}/").content.decode()
    client.post(f"/events/{event.slug}/check-in/")
    assert "You are checked in" in client.get(f"/events/{event.slug}/").content.decode()


def test_profile_with_consent_saves_attributes_and_without_consent_keeps_none(client, event, participant):
    from sessions_app.models import DiversityAttribute

    DiversityAttribute.objects.create(
        event=event, key="gender", label="Gender", choices="woman\nman", help_text="So that groups are balanced."
    )
    log_in_as(client, participant)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "Prefer not to say" in page and "So that groups are balanced." in page
    url = f"/events/{event.slug}/profile/"
    client.post(url, {"languages": "fr, en", "attr_gender": "woman", "consent": "on", "timezone": "Asia/Tokyo"})
    participant.refresh_from_db()
    assert participant.attributes == {"gender": "woman"} and participant.languages == "fr,en"
    assert participant.consent_given_at is not None and participant.timezone == "Asia/Tokyo"
    client.post(url, {"languages": "fr", "attr_gender": "woman"})
    participant.refresh_from_db()
    assert participant.attributes == {} and participant.consent_given_at is None


def test_profile_errors_are_explained_and_nothing_saved(client, event, participant):
    log_in_as(client, participant)
    response = client.post(f"/events/{event.slug}/profile/", {"languages": "english!!", "consent": "on"}, follow=True)
    assert "is not a language code" in response.content.decode()
    participant.refresh_from_db()
    assert participant.languages == "en,fr"
    assert client.post("/events/other/profile/", {"languages": "en"}).status_code == 404


def test_control_actions_answer_json_to_the_page(client, event, phases, grouped, organiser, participant):
    client.force_login(organiser)
    base = f"/events/{event.slug}/control/"
    response = client.post(base + "phase-extend/", {"minutes": 5}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["message"] == "No phase is running."
    group2 = grouped.groups.get(number=2)
    group2.language = "de"
    group2.save()
    response = client.post(
        base + "move/", {"participant": participant.pk, "group": group2.pk}, HTTP_ACCEPT="application/json"
    )
    data = response.json()
    assert data["ok"] and "moved to Group 2" in data["message"]
    assert any("language" in w for w in data["warnings"])
    response = client.post(base + "message/", {"text": ""}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "Message: This field is required." in response.json()["message"]


def test_a_builtin_events_room_holds_the_call(client, event, phases, grouped, participant):
    assert event.video_provider == "builtin"
    services.phase_start(event=event, phase=phases[1])
    log_in_as(client, participant)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert 'id="video-call"' in page and "js/video-call.js" in page and 'id="call-labels"' in page
    assert "In person: table" not in page and 'class="video-room"' in page
