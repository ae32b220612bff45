"""Times typed and shown in the event's own time zone: the admin, the home page, the invitation.

Europe/Paris leaves summer time on 25 October 2026 and America/New_York on 1 November 2026: the
same 18:00 on the wall clock is another UTC time on either side of the change."""

import datetime as dt

import pytest
from django.core import mail

from dialogues.forms import PartnerEventForm
from sessions_app import invitations
from sessions_app.models import Event
from tests.factories import make_person

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def _event_form(organisation, *, slug, day, time, tz, end_time="20:00"):
    data = {
        "organisation": organisation.pk,
        "title": f"Event {slug}",
        "slug": slug,
        "status": "draft",
        "starts_at_0": day,
        "starts_at_1": time,
        "ends_at_0": day,
        "ends_at_1": end_time,
        "timezone": tz,
        "language": "en",
        "group_size": 5,
        "uneven_groups": "larger",
        "late_joiners": "auto",
        "video_provider": "in_person",
    }
    for prefix in ("phases", "sessions", "diversity_attributes"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return data


@pytest.mark.parametrize(
    ("tz", "day", "utc_hour"),
    [
        ("Europe/Paris", "2026-10-24", 16),  # summer time, UTC+2
        ("Europe/Paris", "2026-10-26", 17),  # winter time, UTC+1
        ("America/New_York", "2026-10-31", 22),  # daylight time, UTC-4
        ("America/New_York", "2026-11-02", 23),  # standard time, UTC-5
    ],
)
def test_a_new_event_s_times_are_read_in_the_time_zone_chosen_in_the_same_form(
    client, organiser, organisation, tz, day, utc_hour
):
    client.force_login(organiser)
    response = client.post(
        "/admin/sessions_app/event/add/", _event_form(organisation, slug="e", day=day, time="18:00", tz=tz)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get(slug="e")
    assert event.starts_at == dt.datetime.fromisoformat(day).replace(hour=utc_hour, tzinfo=UTC)
    assert event.ends_at - event.starts_at == dt.timedelta(hours=2)


@pytest.mark.parametrize("tz", ["Europe/Paris", "America/New_York"])
def test_the_admin_and_the_partners_new_event_form_agree(client, organiser, organisation, tz):
    client.force_login(organiser)
    for day in ("2026-10-24", "2026-11-02"):
        slug = f"e-{day}"
        client.post(
            "/admin/sessions_app/event/add/", _event_form(organisation, slug=slug, day=day, time="18:00", tz=tz)
        )
        partner = PartnerEventForm(
            {
                "title": "T",
                "slug": "other",
                "starts_on": day,
                "starts_time": "18:00",
                "timezone": tz,
                "language": "en",
                "country": "France",
                "continent": "europe",
            }
        )
        assert partner.is_valid(), partner.errors
        assert Event.objects.get(slug=slug).starts_at == partner.starts_at()


def test_the_change_page_shows_the_stored_times_on_the_event_s_clock_with_its_zone(client, organiser, event):
    event.timezone = "Europe/Paris"
    event.starts_at = dt.datetime(2026, 10, 24, 16, 0, tzinfo=UTC)  # 18:00 in Paris
    event.ends_at = dt.datetime(2026, 10, 26, 17, 30, tzinfo=UTC)  # 18:30 in Paris, after the change
    event.save()
    client.force_login(organiser)
    page = client.get(f"/admin/sessions_app/event/{event.pk}/change/").content.decode()
    assert 'name="starts_at_1" value="18:00:00"' in page
    assert 'name="ends_at_1" value="18:30:00"' in page
    assert "In Europe/Paris time" in page
    # Saved again unchanged, the times stay where they were.
    listing = client.get("/admin/sessions_app/event/").content.decode()
    assert "6 p.m. (Europe/Paris)" in listing or "18:00 (Europe/Paris)" in listing


def test_saving_the_change_page_unchanged_keeps_the_times(client, organiser, organisation):
    client.force_login(organiser)
    client.post(
        "/admin/sessions_app/event/add/",
        _event_form(organisation, slug="ny", day="2026-11-02", time="18:00", tz="America/New_York"),
    )
    event = Event.objects.get(slug="ny")
    before = (event.starts_at, event.ends_at)
    data = _event_form(
        organisation, slug="ny", day="2026-11-02", time="18:00:00", tz="America/New_York", end_time="20:00:00"
    )
    response = client.post(f"/admin/sessions_app/event/{event.pk}/change/", data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == before


def test_a_time_zone_changed_in_the_form_decides_for_the_times_of_that_form(client, organiser, organisation):
    client.force_login(organiser)
    client.post(
        "/admin/sessions_app/event/add/",
        _event_form(organisation, slug="move", day="2026-10-24", time="18:00", tz="UTC"),
    )
    event = Event.objects.get(slug="move")
    assert event.starts_at == dt.datetime(2026, 10, 24, 18, 0, tzinfo=UTC)
    client.post(
        f"/admin/sessions_app/event/{event.pk}/change/",
        _event_form(organisation, slug="move", day="2026-10-24", time="18:00", tz="Europe/Paris"),
    )
    event.refresh_from_db()
    assert event.timezone == "Europe/Paris"
    assert event.starts_at == dt.datetime(2026, 10, 24, 16, 0, tzinfo=UTC)


def test_an_unknown_time_zone_posted_by_hand_is_refused_without_an_error_page(client, organiser, organisation):
    client.force_login(organiser)
    response = client.post(
        "/admin/sessions_app/event/add/",
        _event_form(organisation, slug="x", day="2026-10-24", time="18:00", tz="Paris\x00"),
    )
    assert response.status_code == 400  # a NUL is no one's typing
    response = client.post(
        "/admin/sessions_app/event/add/",
        _event_form(organisation, slug="x", day="2026-10-24", time="18:00", tz="Mars/Olympus"),
    )
    assert response.status_code == 200 and "is not a known time zone" in response.content.decode()
    assert not Event.objects.filter(slug="x").exists()


def test_a_person_s_times_are_shown_in_their_event_s_zone(client, organiser, event):
    event.timezone = "America/New_York"
    event.save()
    person = make_person(event, first_name="Ana")
    person.checked_in_at = dt.datetime(2026, 11, 2, 23, 5, tzinfo=UTC)  # 18:05 in New York
    person.save()
    client.force_login(organiser)
    page = client.get(f"/admin/sessions_app/participant/{person.pk}/change/").content.decode()
    assert "6:05 p.m." in page
    assert "In America/New_York time" in page


def test_the_home_page_shows_each_event_s_start_on_its_own_clock(client, organiser, event):
    event.timezone = "Europe/Paris"
    event.starts_at = dt.datetime(2026, 10, 26, 17, 0, tzinfo=UTC)
    event.save()
    client.force_login(organiser)
    page = client.get("/").content.decode()
    assert "6 p.m. (Europe/Paris)" in page
    assert " UTC<" not in page


def test_the_invitation_gives_the_start_in_the_event_s_zone_and_in_the_person_s_own(event):
    event.timezone = "Europe/Paris"
    event.starts_at = dt.datetime(2026, 10, 24, 16, 0, tzinfo=UTC)
    event.save()
    here = make_person(event, first_name="Paul", email="paul@example.org")
    away = make_person(event, first_name="Ana", email="ana@example.org")
    away.timezone = "America/New_York"
    away.save()
    invitations.invitations_send(participants=event.participants.filter(pk__in=[here.pk, away.pk]))
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "6 p.m. (Europe/Paris)" in bodies["paul@example.org"]
    assert "In your time zone" not in bodies["paul@example.org"]
    assert "6 p.m. (Europe/Paris)" in bodies["ana@example.org"]
    assert "In your time zone (America/New_York), that is Oct. 24, 2026, noon." in bodies["ana@example.org"]


def test_lists_show_times_in_the_zone_of_the_events_listed(client, organiser, event):
    event.timezone = "America/New_York"
    event.save()
    person = make_person(event, first_name="Ana")
    person.checked_in_at = dt.datetime(2026, 11, 2, 23, 5, tzinfo=UTC)  # 18:05 in New York
    person.save()
    client.force_login(organiser)
    listing = client.get("/admin/sessions_app/participant/").content.decode()
    assert "Times in America/New_York." in listing and "6:05 p.m." in listing
    paris = Event.objects.create(
        organisation=event.organisation,
        title="Paris",
        slug="paris",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        timezone="Europe/Paris",
    )
    listing = client.get("/admin/sessions_app/participant/").content.decode()
    assert "Times in America/New_York." in listing  # no one of the Paris event is listed yet
    make_person(paris, first_name="Paul")
    listing = client.get("/admin/sessions_app/participant/").content.decode()
    assert "Times in UTC: these events are in several time zones." in listing and "11:05 p.m." in listing
