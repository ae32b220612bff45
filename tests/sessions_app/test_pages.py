"""Who may open which page."""

from datetime import UTC

import pytest

from tests.helpers import log_in_as

pytestmark = pytest.mark.django_db


def test_control_room_is_for_the_events_organisers(client, event, organiser, other_organiser, participant):
    url = f"/events/{event.slug}/control/"
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    log_in_as(client, participant)
    assert client.get(url).status_code == 302  # a participant has no account: sent to sign in
    client.force_login(other_organiser)
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    assert "Control room" in response.content.decode()


def test_plenary_needs_its_token(client, event):
    assert client.get(f"/events/{event.slug}/plenary/wrong/").status_code == 403
    assert client.get(f"/events/other/plenary/{event.plenary_token}/").status_code == 403
    response = client.get(f"/events/{event.slug}/plenary/{event.plenary_token}/")
    assert response.status_code == 200
    assert event.title in response.content.decode()


def test_lobby_refuses_people_without_their_link(client, event, participant, outsider):
    assert client.get(f"/events/{event.slug}/").status_code == 403
    log_in_as(client, outsider)
    assert client.get(f"/events/{event.slug}/").status_code == 403


def test_lobby_shows_agenda_in_the_persons_timezone(client, event, participant):
    from datetime import datetime

    from sessions_app.models import Phase

    event.starts_at = datetime(2020, 11, 3, 6, 30, tzinfo=UTC)
    event.ends_at = datetime(2030, 11, 3, 8, 0, tzinfo=UTC)
    event.save()
    Phase.objects.create(event=event, order=1, kind="opening", title="Opening", planned_minutes=15)
    participant.timezone = "Asia/Tokyo"
    participant.save()
    log_in_as(client, participant)
    page = client.get(f"/events/{event.slug}/").content.decode()
    assert "3:30 p.m." in page and "Asia/Tokyo" in page
    assert "Opening – 15 minutes" in page


def test_home_lists_only_own_events(client, event, organiser, other_organiser):
    client.force_login(other_organiser)
    page = client.get("/").content.decode()
    assert "Other event" in page and event.title not in page


def test_healthz(client):
    assert client.get("/healthz").content == b"ok"


def test_admin_login_goes_through_the_rate_limited_account_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_organisers_cannot_sign_themselves_up(client):
    response = client.get("/accounts/signup/")
    assert "closed" in response.content.decode().lower()


def test_failed_logins_are_rate_limited(client, organiser):
    pages = [
        client.post("/accounts/login/", {"login": "organiser@example.org", "password": "wrong"}).content.decode()
        for _ in range(7)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    page = client.post("/accounts/login/", {"login": "organiser@example.org", "password": "correct horse battery"})
    assert "Too many failed login attempts" in page.content.decode()  # even the right password waits
    assert "_auth_user_id" not in client.session


def test_failed_logins_elsewhere_never_lock_the_owner_out(client, organiser):
    """allauth's limits count per address and account: a guesser locks only themselves out."""
    guesser = "203.0.113.77"
    for _ in range(7):
        page = client.post(
            "/accounts/login/", {"login": "organiser@example.org", "password": "wrong"}, REMOTE_ADDR=guesser
        )
    assert "Too many failed login attempts" in page.content.decode()
    response = client.post(
        "/accounts/login/",
        {"login": "organiser@example.org", "password": "correct horse battery"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(organiser.pk)


def test_rotating_x_forwarded_for_does_not_escape_the_login_limit(client, organiser, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    pages = [
        client.post(
            "/accounts/login/",
            {"login": "organiser@example.org", "password": "wrong"},
            REMOTE_ADDR="203.0.113.78",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}",
        ).content.decode()
        for i in range(7)
    ]
    assert "Too many failed login attempts" in pages[-1]


def test_the_servers_believe_forwarded_headers_only_from_trusted_proxies():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for name in ("Dockerfile", "docker-compose.yml"):
        text = (root / name).read_text()
        assert '--forwarded-allow-ips "*"' not in text and "forwarded-allow-ips" in text
        assert "TRUSTED_PROXIES" in text, name
