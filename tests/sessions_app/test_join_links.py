"""Personal join links: signed, single-person, expiring, revocable, rate-limited."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from sessions_app import services
from sessions_app.join_links import join_token_make, join_url
from tests.helpers import log_in_as

pytestmark = pytest.mark.django_db


def test_opening_the_link_logs_the_person_in_to_their_event(client, participant):
    response = log_in_as(client, participant)
    assert response.status_code == 302
    assert response["Location"] == f"/events/{participant.event.slug}/"
    lobby = client.get(response["Location"])
    assert lobby.status_code == 200
    assert "Welcome, Amina." in lobby.content.decode()
    participant.refresh_from_db()
    assert participant.join_last_opened_at is not None


def test_the_link_logs_in_for_that_event_only(client, participant, outsider):
    log_in_as(client, participant)
    response = client.get(f"/events/{outsider.event.slug}/")
    assert response.status_code == 403
    assert "Olga" not in response.content.decode()


def test_a_tampered_link_is_refused(client, participant):
    token = join_token_make(participant)
    payload, rest = token.split(":", 1)
    other = signing.b64_encode(b'{"p":' + str(participant.pk + 1).encode() + b',"n":"x"}').decode()
    for bad in (other + ":" + rest, token[:-2] + "xx", "nonsense"):
        response = client.get(f"/join/{bad}/")
        assert response.status_code == 403
        assert "not valid" in response.content.decode()
    assert client.get(f"/events/{participant.event.slug}/").status_code == 403


def test_a_revoked_link_is_refused_and_a_new_one_works(client, participant):
    old = join_url(participant, absolute=False)
    services.participant_revoke_join_link(participant=participant)
    response = client.get(old)
    assert response.status_code == 403
    assert "withdrawn" in response.content.decode()
    services.participant_reissue_join_link(participant=participant)
    assert client.get(old).status_code == 403
    assert client.get(join_url(participant, absolute=False)).status_code == 302


def test_revoking_also_ends_a_session_opened_with_the_link(client, participant):
    log_in_as(client, participant)
    services.participant_revoke_join_link(participant=participant)
    assert client.get(f"/events/{participant.event.slug}/").status_code == 403


def test_a_link_past_its_maximum_age_is_refused(client, participant, monkeypatch, settings):
    settings.JOIN_LINK_MAX_AGE_DAYS = 30
    issued = time.time() - timedelta(days=31).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: issued)
    token = join_token_make(participant)
    monkeypatch.undo()
    response = client.get(f"/join/{token}/")
    assert response.status_code == 403
    assert "expired" in response.content.decode()


def test_links_expire_once_the_event_is_over(client, participant, settings):
    settings.JOIN_LINK_GRACE_HOURS = 1
    event = participant.event
    event.starts_at = timezone.now() - timedelta(hours=4)
    event.ends_at = timezone.now() - timedelta(hours=2)
    event.save()
    response = log_in_as(client, participant)
    assert response.status_code == 403
    assert "over" in response.content.decode()


def test_failed_join_attempts_are_rate_limited(client, participant, settings):
    settings.JOIN_RATE_LIMIT = "3/60"
    for _ in range(3):
        assert client.get("/join/nonsense/").status_code == 403
    response = client.get("/join/more-nonsense/")
    assert response.status_code == 429
    assert "Too many" in response.content.decode()
    # Another address is not slowed down by this one's mistakes.
    assert client.get("/join/nonsense/", REMOTE_ADDR="198.51.100.9").status_code == 403


def test_a_valid_link_is_never_refused_by_the_bad_link_limit(client, event, settings):
    """A venue behind one address: some people mistype their link, everyone still gets in."""
    from tests.factories import make_person

    settings.JOIN_RATE_LIMIT = "20/300"
    for _ in range(25):
        client.get("/join/mistyped/")
    assert client.get("/join/mistyped/").status_code == 429  # guessing stays braked
    for i in range(10):
        assert log_in_as(client, make_person(event, first_name=f"V{i}")).status_code == 302


def test_rotating_x_forwarded_for_does_not_escape_the_join_limit(client, settings):
    settings.JOIN_RATE_LIMIT = "3/60"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    attacker = "203.0.113.66"
    codes = [
        client.get("/join/guess/", REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(6)
    ]
    assert codes == [403, 403, 403, 429, 429, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, settings):
    settings.JOIN_RATE_LIMIT = "2/60"
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.1.0.0/16"]

    def bad_link(forwarded: str) -> int:
        return client.get("/join/guess/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [bad_link("198.51.100.1") for _ in range(3)] == [403, 403, 429]
    assert bad_link("198.51.100.2") == 403  # another client behind the same proxy
    # What the client wrote itself (left of the address our proxies saw) is not believed.
    assert bad_link("1.2.3.4, 198.51.100.1, 10.1.2.3") == 429
    assert bad_link("garbage, 198.51.100.1") == 429


def test_a_venue_behind_one_address_can_all_join(client, event, settings):
    from tests.factories import make_person

    settings.JOIN_RATE_LIMIT = "3/60"
    for i in range(10):
        assert log_in_as(client, make_person(event, first_name=f"P{i}")).status_code == 302


def test_check_in_needs_the_person_and_is_kept(client, participant):
    url = f"/events/{participant.event.slug}/check-in/"
    assert client.post(url).status_code == 403
    log_in_as(client, participant)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    participant.refresh_from_db()
    first = participant.checked_in_at
    assert first is not None
    client.post(url)
    participant.refresh_from_db()
    assert participant.checked_in_at == first


def test_check_in_needs_csrf(participant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    log_in_as(client, participant)
    assert client.post(f"/events/{participant.event.slug}/check-in/").status_code == 403
    participant.refresh_from_db()
    assert participant.checked_in_at is None


def test_staff_account_speaks_for_its_person(client, event, django_user_model):
    from tests.factories import make_person

    user = django_user_model.objects.create_user(username="f", email="f@example.org", password="pw-123456789")
    make_person(event, role="facilitator", first_name="Farid", user=user)
    client.force_login(user)
    assert "Welcome, Farid." in client.get(f"/events/{event.slug}/").content.decode()


# --- Sessions are bound to the link generation they were opened with --------------------------


def lobby_status(client, participant) -> int:
    return client.get(f"/events/{participant.event.slug}/").status_code


def test_giving_a_new_link_ends_the_sessions_opened_with_the_old_one(client, participant):
    from django.test import Client

    log_in_as(client, participant)
    services.participant_reissue_join_link(participant=participant)
    assert lobby_status(client, participant) == 403
    fresh = Client()
    assert log_in_as(fresh, participant).status_code == 302
    assert lobby_status(fresh, participant) == 200


def test_withdrawing_then_reissuing_does_not_revive_a_withdrawn_session(client, participant):
    log_in_as(client, participant)
    services.participant_revoke_join_link(participant=participant)
    services.participant_reissue_join_link(participant=participant)
    assert lobby_status(client, participant) == 403
    # The old session can reach nothing of the event: neither pages nor the results form.
    assert client.post(f"/events/{participant.event.slug}/check-in/").status_code == 403
    participant.refresh_from_db()
    assert participant.checked_in_at is None and participant.link_generation == 3


def test_the_admin_action_give_new_join_links_ends_the_old_sessions(client, participant, organiser):
    from django.test import Client

    person = Client()
    log_in_as(person, participant)
    client.force_login(organiser)
    response = client.post(
        "/admin/sessions_app/participant/", {"action": "reissue_join_links", "_selected_action": [participant.pk]}
    )
    assert response.status_code == 302
    assert lobby_status(person, participant) == 403
    participant.refresh_from_db()
    assert log_in_as(person, participant).status_code == 302  # the new link works
    assert lobby_status(person, participant) == 200


def test_a_session_entry_that_is_not_a_person_and_generation_is_refused(client, participant):
    from sessions_app.auth import SESSION_KEY

    event_id = str(participant.event_id)
    entries = [
        participant.pk,  # the form before generations: opened with a link of unknown generation
        [participant.pk, participant.link_generation - 1],
        [participant.pk, True],
        [str(participant.pk), participant.link_generation],
        [participant.pk, participant.link_generation, 0],
        {"p": participant.pk},
        "\x00",
        None,
    ]
    for entry in entries:
        session = client.session
        session[SESSION_KEY] = {event_id: entry}
        session.save()
        assert lobby_status(client, participant) == 403, entry
    session = client.session
    session[SESSION_KEY] = ["not", "a", "dict"]
    session.save()
    assert lobby_status(client, participant) == 403
    assert log_in_as(client, participant).status_code == 302  # the link still logs the person in
    assert lobby_status(client, participant) == 200


def test_a_new_link_in_the_same_browser_keeps_its_other_events(client, participant, outsider):
    log_in_as(client, participant)
    log_in_as(client, outsider)
    services.participant_reissue_join_link(participant=outsider)
    assert lobby_status(client, outsider) == 403
    assert lobby_status(client, participant) == 200


def test_a_person_signs_out_of_their_event(client, participant, outsider):
    log_in_as(client, participant)
    log_in_as(client, outsider)  # the same browser also joined another event
    lobby = f"/events/{participant.event.slug}/"
    page = client.get(lobby).content.decode()
    assert f'action="/events/{participant.event.slug}/sign-out/"' in page and "Sign out" in page
    assert client.get(f"/events/{participant.event.slug}/sign-out/").status_code == 405
    response = client.post(f"/events/{participant.event.slug}/sign-out/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "You have signed out of Day 0." in response.content.decode()
    assert client.get(lobby).status_code == 403
    assert client.get(f"/events/{outsider.event.slug}/").status_code == 200  # the other event's is kept
    assert log_in_as(client, participant).status_code == 302  # the link still works to come back


def test_signing_out_needs_csrf(participant):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    log_in_as(client, participant)
    assert client.post(f"/events/{participant.event.slug}/sign-out/").status_code == 403
    assert client.get(f"/events/{participant.event.slug}/").status_code == 200
