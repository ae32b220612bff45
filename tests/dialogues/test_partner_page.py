"""The partner's page: its own events, creating an event from the template, the public opt-in."""

import datetime as dt

import pytest
from django.urls import reverse

from dialogues.models import DialoguePartner
from sessions_app.models import Event, Organisation
from tests.factories import make_partner, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def kenya(dialogue, django_user_model):
    return make_partner(dialogue, "Kenya Civic Forum", "kcf", django_user_model)


def page(dialogue, organisation):
    return reverse("dialogue_partner", kwargs={"slug": dialogue.slug, "organisation": organisation.slug})


def form_data(**changes):
    data = {
        "title": "Citizens' Dialogue Nairobi",
        "slug": "dialogue-nairobi",
        "starts_on": "2026-12-01",
        "starts_time": "09:30",
        "timezone": "Africa/Nairobi",
        "language": "sw",
        "country": "Kenya",
        "continent": "africa",
        "tags": "coastal, G77",
    }
    return {**data, **changes}


def test_anonymous_is_sent_to_sign_in(client, dialogue, kenya):
    for url in (reverse("dialogue_partner_home", kwargs={"slug": dialogue.slug}), page(dialogue, kenya[0])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_rejects_outsiders(client, dialogue, kenya, organiser, coordinator):
    for user in (organiser, coordinator):  # an organiser of another event; a coordinator who is no partner
        client.force_login(user)
        response = client.get(reverse("dialogue_partner_home", kwargs={"slug": dialogue.slug}))
        assert response.status_code == 403
        assert "partner organisations" in response.content.decode()
        assert client.get(page(dialogue, kenya[0])).status_code == 404


def test_a_partner_lands_on_its_page(client, dialogue, kenya):
    organisation, user = kenya
    client.force_login(user)
    response = client.get(reverse("dialogue_partner_home", kwargs={"slug": dialogue.slug}))
    assert response["Location"] == page(dialogue, organisation)
    body = client.get(response["Location"]).content.decode()
    assert "Kenya Civic Forum" in body and "Create an event from the template" in body
    assert "Accept the invitation" in body  # not accepted yet


def test_someone_in_two_partner_organisations_picks_one(client, dialogue, kenya):
    organisation, user = kenya
    other, _ = make_partner(dialogue, "Second Partner", "second")
    other.members.add(user)
    client.force_login(user)
    response = client.get(reverse("dialogue_partner_home", kwargs={"slug": dialogue.slug}))
    assert response.status_code == 200
    body = response.content.decode()
    assert page(dialogue, organisation) in body and page(dialogue, other) in body
    assert client.get(page(dialogue, other)).status_code == 200


def test_creating_an_event_from_the_template(client, dialogue, kenya):
    organisation, user = kenya
    client.force_login(user)
    url = reverse("dialogue_partner_event_create", kwargs={"slug": dialogue.slug, "organisation": organisation.slug})
    response = client.post(url, form_data(), follow=True)
    assert response.status_code == 200
    event = Event.objects.get(slug="dialogue-nairobi")
    assert event.organisation == organisation and event.dialogue == dialogue and event.dialogue_version == 1
    # 09:30 in Nairobi (UTC+3) is 06:30 UTC
    assert event.starts_at == dt.datetime(2026, 12, 1, 6, 30, tzinfo=dt.UTC)
    assert event.ends_at - event.starts_at == dt.timedelta(minutes=80)  # the template's phases: 15 + 45 + 20
    assert (event.timezone, event.language, event.country, event.continent) == (
        "Africa/Nairobi",
        "sw",
        "Kenya",
        "africa",
    )
    assert event.tag_list == ["coastal", "G77"]
    assert event.sessions.get().questions.count() == 6 and event.phases.count() == 3
    body = response.content.decode()
    assert "is created from version 1" in body and "Citizens&#x27; Dialogue Nairobi" in body
    assert f"/events/{event.slug}/control/" in body


def test_a_taken_web_address_or_bad_field_is_shown_on_the_form(client, dialogue, kenya):
    organisation, user = kenya
    make_site(dialogue, organisation, "dialogue-nairobi")
    client.force_login(user)
    url = reverse("dialogue_partner_event_create", kwargs={"slug": dialogue.slug, "organisation": organisation.slug})
    response = client.post(url, form_data())
    assert response.status_code == 400
    assert "already has this web address name" in response.content.decode()
    response = client.post(url, form_data(slug="fine", timezone="Mars/Olympus", starts_time="25:00"))
    assert response.status_code == 400
    assert Event.objects.filter(organisation=organisation).count() == 1


def test_nothing_published_yet_is_said(client, dialogue, kenya):
    organisation, user = kenya
    dialogue.versions.all().delete()
    client.force_login(user)
    assert "have not published the questionnaire yet" in client.get(page(dialogue, organisation)).content.decode()
    url = reverse("dialogue_partner_event_create", kwargs={"slug": dialogue.slug, "organisation": organisation.slug})
    response = client.post(url, form_data())
    assert response.status_code == 400
    assert not Event.objects.filter(slug="dialogue-nairobi").exists()


def test_the_public_opt_in(client, dialogue, kenya):
    organisation, user = kenya
    client.force_login(user)
    url = reverse("dialogue_partner_public", kwargs={"slug": dialogue.slug, "organisation": organisation.slug})
    client.post(url, {"results_public": "on"})
    partner = DialoguePartner.objects.get(organisation=organisation)
    assert partner.results_public
    assert "checked" in client.get(page(dialogue, organisation)).content.decode()
    client.post(url, {})
    partner.refresh_from_db()
    assert not partner.results_public


def test_accepting_from_the_page(client, dialogue, kenya):
    organisation, user = kenya
    client.force_login(user)
    url = reverse("dialogue_partner_accept", kwargs={"slug": dialogue.slug, "organisation": organisation.slug})
    client.post(url)
    assert DialoguePartner.objects.get(organisation=organisation).accepted_at is not None
    assert "Accept the invitation" not in client.get(page(dialogue, organisation)).content.decode()


def test_a_partner_never_sees_another_partners_events(client, dialogue, kenya):
    organisation, user = kenya
    france = Organisation.objects.create(name="Partner France", slug="fr")
    DialoguePartner.objects.create(dialogue=dialogue, organisation=france, contact_email="fr@example.org")
    make_site(dialogue, france, "paris", country="France")
    make_site(dialogue, organisation, "nairobi", country="Kenya")
    client.force_login(user)
    body = client.get(page(dialogue, organisation)).content.decode()
    assert "Dialogue in Kenya" in body
    assert "Dialogue in France" not in body and "Partner France" not in body
