"""The coordinators' page: who opens it, what it shows, publishing a version from it."""

import pytest
from django.test import Client
from django.urls import reverse

from dialogues.models import DialoguePartner
from sessions_app.models import Session
from tests.factories import make_partner, make_site

pytestmark = pytest.mark.django_db


def page_url(dialogue):
    return reverse("dialogue_coordinator", kwargs={"slug": dialogue.slug})


def test_anonymous_is_sent_to_sign_in(client, dialogue):
    response = client.get(page_url(dialogue))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert client.post(reverse("dialogue_publish", kwargs={"slug": dialogue.slug}))["Location"].startswith(
        "/accounts/login/"
    )


def test_it_rejects_outsiders_and_partners(client, dialogue, organiser, django_user_model):
    _organisation, partner_user = make_partner(dialogue, "Partner", "partner", django_user_model)
    for user in (organiser, partner_user):
        client.force_login(user)
        response = client.get(page_url(dialogue))
        assert response.status_code == 403
        assert "Only the coordinators" in response.content.decode()


def test_unknown_dialogue_is_not_found(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/dialogues/nope/").status_code == 404


def test_it_shows_partners_versions_and_links(client, dialogue, coordinator, django_user_model):
    france, _ = make_partner(dialogue, "Partner France", "fr-partner", public=True)
    make_partner(dialogue, "Partner Kenya", "ke-partner")
    DialoguePartner.objects.filter(organisation=france).update(accepted_at="2026-01-02T10:00Z")
    make_site(dialogue, france, "paris", country="France", continent="europe")
    client.force_login(coordinator)
    response = client.get(page_url(dialogue))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Partner France",
        "fr-partner@example.org",
        "accepted",
        "Partner Kenya",
        "not yet accepted",
        "Dialogue in France",
        "no results yet",
        "opted in",
        "no event yet",
        "Invite a partner organisation",
        "Publish a new version",
    ):
        assert text in body, text
    assert f'href="/dialogues/{dialogue.slug}/results/"' in body
    assert f'href="/admin/sessions_app/event/{dialogue.template_event_id}/change/"' in body
    assert "coordinator@example.org" in body  # who published version 1


def test_superusers_open_it(client, dialogue, django_user_model):
    boss = django_user_model.objects.create_superuser(username="boss", email="boss@example.org", password="x")
    client.force_login(boss)
    assert client.get(page_url(dialogue)).status_code == 200


def test_publishing_a_new_version_from_the_page(client, dialogue, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("dialogue_publish", kwargs={"slug": dialogue.slug}), {"note": "Typo in q2"}, follow=True
    )
    assert response.status_code == 200
    assert "Version 2 is published" in response.content.decode()
    latest = dialogue.latest_version()
    assert latest.number == 2 and latest.note == "Typo in q2" and latest.published_by == coordinator


def test_a_refused_publication_says_why(client, dialogue, coordinator):
    Session.objects.filter(event=dialogue.template_event).delete()
    client.force_login(coordinator)
    response = client.post(reverse("dialogue_publish", kwargs={"slug": dialogue.slug}), {"note": ""})
    assert response.status_code == 400
    assert "The template event has no session" in response.content.decode()
    assert dialogue.versions.count() == 1


def test_posts_are_csrf_protected(dialogue, coordinator, mailoutbox):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(coordinator)
    data = {"organisation_name": "Kenya Civic Forum", "email": "contact@kcf.example.org", "language": "en"}
    assert browser.post(reverse("dialogue_invite", kwargs={"slug": dialogue.slug}), data).status_code == 403
    assert browser.post(reverse("dialogue_publish", kwargs={"slug": dialogue.slug}), {"note": "x"}).status_code == 403
    assert not DialoguePartner.objects.filter(dialogue=dialogue).exists() and mailoutbox == []
    assert dialogue.versions.count() == 1
    # with the page's token, the same post goes through
    page = browser.get(reverse("dialogue_coordinator", kwargs={"slug": dialogue.slug}))
    token = page.context["csrf_token"]
    response = browser.post(
        reverse("dialogue_invite", kwargs={"slug": dialogue.slug}), {**data, "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302 and len(mailoutbox) == 1


def test_the_partner_posts_are_csrf_protected_too(dialogue, django_user_model):
    organisation, user = make_partner(dialogue, "Partner", "partner", django_user_model)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    kwargs = {"slug": dialogue.slug, "organisation": organisation.slug}
    data = {
        "title": "Nairobi",
        "slug": "nairobi",
        "starts_on": "2026-12-01",
        "starts_time": "09:00",
        "timezone": "Africa/Nairobi",
        "language": "en",
        "country": "Kenya",
        "continent": "africa",
    }
    assert browser.post(reverse("dialogue_partner_event_create", kwargs=kwargs), data).status_code == 403
    assert browser.post(reverse("dialogue_partner_public", kwargs=kwargs), {"results_public": "on"}).status_code == 403
    assert not organisation.events.exists()


def test_the_home_page_lists_the_dialogues_of_coordinators_and_partners(
    client, coordinator, dialogue, django_user_model
):
    from tests.factories import make_partner

    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert "Your dialogues" in html and "/dialogues/global/" in html and "/dialogues/global/results/" in html
    _organisation, organiser = make_partner(dialogue, "Partner", "partner-home", django_user_model)
    client.force_login(organiser)
    html = client.get("/").content.decode()
    assert "/dialogues/global/partner/" in html and 'href="/dialogues/global/"' not in html
    stranger = django_user_model.objects.create_user(username="s", email="s@example.org", password="x" * 12)
    client.force_login(stranger)
    assert "Your dialogues" not in client.get("/").content.decode()
