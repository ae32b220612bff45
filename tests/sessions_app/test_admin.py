"""The admin is the organisers' tool, scoped to their own organisation's events and people."""

import pytest

from sessions_app.models import Event, Participant, Phase
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_an_organiser_sees_their_event_and_people(client, organiser, event, participant):
    client.force_login(organiser)
    assert event.title in client.get("/admin/sessions_app/event/").content.decode()
    assert client.get(f"/admin/sessions_app/event/{event.pk}/change/").status_code == 200
    people = client.get("/admin/sessions_app/participant/").content.decode()
    assert "Amina" in people
    page = client.get(f"/admin/sessions_app/participant/{participant.pk}/change/").content.decode()
    assert "/join/" in page  # the personal join link is shown to copy


def test_an_organiser_of_another_event_sees_nothing_of_this_one(client, other_organiser, event, participant):
    client.force_login(other_organiser)
    events = client.get("/admin/sessions_app/event/").content.decode()
    assert "Other event" in events and event.title not in events
    assert "Amina" not in client.get("/admin/sessions_app/participant/").content.decode()
    for url in (
        f"/admin/sessions_app/event/{event.pk}/change/",
        f"/admin/sessions_app/participant/{participant.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.post(f"/admin/sessions_app/participant/{participant.pk}/delete/", {"post": "yes"})
    assert Participant.objects.filter(pk=participant.pk).exists()
    assert response.status_code == 302


def test_an_organiser_cannot_create_an_event_for_another_partner(client, organiser, other_organiser):
    client.force_login(organiser)
    other_org = other_organiser.organisations.get()
    response = client.post(
        "/admin/sessions_app/event/add/",
        {
            "organisation": other_org.pk,
            "title": "Sneaky",
            "slug": "sneaky",
            "status": "draft",
            "starts_at_0": "2026-12-01",
            "starts_at_1": "10:00",
            "ends_at_0": "2026-12-01",
            "ends_at_1": "11:30",
            "timezone": "UTC",
            "language": "en",
            "group_size": 5,
            "uneven_groups": "larger",
            "late_joiners": "auto",
            "video_provider": "in_person",
            **_empty_inlines(),
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Event.objects.filter(slug="sneaky").exists()


def _empty_inlines():
    data = {}
    for prefix in ("phases", "sessions", "diversity_attributes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


def test_an_organiser_sets_up_the_day_0_event_with_its_phases(client, organiser, organisation):
    client.force_login(organiser)
    data = {
        "organisation": organisation.pk,
        "title": "Day 0",
        "slug": "day-0",
        "status": "scheduled",
        "starts_at_0": "2020-11-03",
        "starts_at_1": "06:30",
        "ends_at_0": "2020-11-03",
        "ends_at_1": "08:00",
        "timezone": "Europe/Paris",
        "language": "en",
        "group_size": 5,
        "uneven_groups": "larger",
        "late_joiners": "auto",
        "video_provider": "in_person",
        "keep_language_together": "on",
        **_empty_inlines(),
        "phases-TOTAL_FORMS": 3,
    }
    for i, (kind, title, minutes) in enumerate(
        [("opening", "Opening", 15), ("breakout", "Break-out rooms", 45), ("plenary", "Plenary", 20)]
    ):
        data.update(
            {
                f"phases-{i}-order": i + 1,
                f"phases-{i}-kind": kind,
                f"phases-{i}-title": title,
                f"phases-{i}-planned_minutes": minutes,
            }
        )
    response = client.post("/admin/sessions_app/event/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(slug="day-0")
    assert list(event.phases.values_list("title", "planned_minutes")) == [
        ("Opening", 15),
        ("Break-out rooms", 45),
        ("Plenary", 20),
    ]


def test_bad_timezone_is_explained(client, organiser, organisation):
    client.force_login(organiser)
    response = client.post(
        "/admin/sessions_app/event/add/",
        {
            "organisation": organisation.pk,
            "title": "T",
            "slug": "t",
            "status": "draft",
            "starts_at_0": "2026-12-01",
            "starts_at_1": "10:00",
            "ends_at_0": "2026-12-01",
            "ends_at_1": "11:30",
            "timezone": "Mars/Olympus",
            "language": "en",
            "group_size": 5,
            "uneven_groups": "larger",
            "late_joiners": "auto",
            "video_provider": "in_person",
            **_empty_inlines(),
        },
    )
    assert "is not a known time zone" in response.content.decode()


def test_people_can_be_filtered_by_check_in_and_attribute(client, organiser, event):
    from django.utils import timezone

    from sessions_app.models import DiversityAttribute

    DiversityAttribute.objects.create(event=event, key="gender", label="Gender", choices="woman\nman")
    make_person(event, first_name="Wanda", attributes={"gender": "woman"}, checked_in_at=timezone.now())
    make_person(event, first_name="Manuel", attributes={"gender": "man"})
    client.force_login(organiser)
    page = client.get("/admin/sessions_app/participant/?attribute=gender%3Dwoman").content.decode()
    assert "Wanda" in page and "Manuel" not in page
    page = client.get("/admin/sessions_app/participant/?checked_in=no").content.decode()
    assert "Manuel" in page and "Wanda" not in page


def test_people_without_an_organiser_role_cannot_open_the_admin(client, django_user_model, event):
    user = django_user_model.objects.create_user(
        username="s", email="s@example.org", password="x-123456789", is_staff=True
    )
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert "Events and people" not in page
    assert client.get("/admin/sessions_app/event/").status_code == 403


def test_phases_are_listed_in_order(event):
    Phase.objects.create(event=event, order=2, kind="breakout", title="Rooms", planned_minutes=45)
    Phase.objects.create(event=event, order=1, kind="opening", title="Opening", planned_minutes=15)
    assert [p.title for p in event.phases.all()] == ["Opening", "Rooms"]
