"""Partner isolation: a partner's organisers never see another partner's raw data — not in the
control room, the people, the note forms, the exports, the JSON API or the partner page."""

import inspect
import re

import pytest
from django.urls import reverse

from results.views import exports as export_views
from tests.dialogues.partner_world import SECRET_EMAIL, SECRET_TEXT, two_partners

pytestmark = pytest.mark.django_db

# Every export the results app offers, read from its view, so that a new one is covered too.
EXPORT_NAMES = sorted(set(re.findall(r'"([\w-]+\.(?:csv|json|md))"', inspect.getsource(export_views.export))))


@pytest.fixture
def sides(dialogue, django_user_model):
    return two_partners(dialogue, django_user_model)


@pytest.fixture
def ours(sides):
    return sides[0]


@pytest.fixture
def theirs(sides):
    return sides[1]


@pytest.fixture
def partner_client(client, ours):
    client.force_login(ours.user)
    return client


def assert_hidden(response, *, allowed=(302, 403, 404)):
    assert response.status_code in allowed, response.status_code
    body = response.content.decode(errors="replace")
    for secret in (SECRET_TEXT, SECRET_EMAIL, "Wanjiru"):
        assert secret not in body


def test_the_exports_were_found():
    assert {"questions.csv", "questions.json", "groups.csv", "groups.json", "key-points.csv"} <= set(EXPORT_NAMES)


def test_own_event_pages_open_so_the_refusals_below_mean_something(partner_client, ours):
    slug = ours.event.slug
    assert partner_client.get(reverse("control_room", kwargs={"slug": slug})).status_code == 200
    assert partner_client.get(reverse("results_print", kwargs={"slug": slug})).status_code == 200
    for name in EXPORT_NAMES:
        response = partner_client.get(reverse("results_export", kwargs={"slug": slug, "name": name}))
        assert response.status_code == 200, name
    groups = partner_client.get(reverse("results_export", kwargs={"slug": slug, "name": "groups.json"}))
    assert "France's own key points" in groups.content.decode()


def test_control_room_of_another_partner_is_not_found(partner_client, theirs):
    assert_hidden(partner_client.get(reverse("control_room", kwargs={"slug": theirs.event.slug})), allowed=(404,))
    response = partner_client.post(
        reverse("control_action", kwargs={"slug": theirs.event.slug, "action": "message"}), {"text": "hello"}
    )
    assert_hidden(response, allowed=(404,))


def test_print_and_every_export_of_another_partner_are_not_found(partner_client, theirs):
    slug = theirs.event.slug
    assert_hidden(partner_client.get(reverse("results_print", kwargs={"slug": slug})), allowed=(404,))
    for name in EXPORT_NAMES:
        response = partner_client.get(reverse("results_export", kwargs={"slug": slug, "name": name}))
        assert_hidden(response, allowed=(404,))


def test_note_forms_of_another_partner_are_not_found(partner_client, theirs):
    slug, group = theirs.event.slug, theirs.group.pk
    code = "digital-public-sphere"
    for path in (
        f"/events/{slug}/notes/{group}/",
        f"/events/{slug}/notes/{group}/{code}/",
        f"/events/{slug}/notes/{group}/{code}/state/",
    ):
        assert_hidden(partner_client.get(path), allowed=(404,))
    for path in (f"/events/{slug}/notes/{group}/{code}/draft/", f"/events/{slug}/notes/{group}/{code}/submit/"):
        response = partner_client.post(path, data="{}", content_type="application/json")
        assert_hidden(response, allowed=(404,))


def test_people_of_another_partner_are_not_listed_nor_opened_in_the_admin(partner_client, ours, theirs):
    people = partner_client.get("/admin/sessions_app/participant/")
    assert people.status_code == 200
    assert "Camille" in people.content.decode()
    assert_hidden(people, allowed=(200,))
    assert theirs.event.title not in people.content.decode()  # not even in the list's filters
    filtered = partner_client.get(f"/admin/sessions_app/participant/?event__id__exact={theirs.event.pk}")
    assert_hidden(filtered, allowed=(200,))
    change = partner_client.get(f"/admin/sessions_app/participant/{theirs.person.pk}/change/")
    assert_hidden(change, allowed=(302,))
    assert change["Location"].rstrip("/").endswith("/admin")


def test_events_of_another_partner_are_not_listed_nor_opened_in_the_admin(partner_client, ours, theirs):
    events = partner_client.get("/admin/sessions_app/event/")
    assert events.status_code == 200
    body = events.content.decode()
    assert ours.event.title in body
    assert theirs.event.title not in body and theirs.organisation.name not in body
    assert_hidden(partner_client.get(f"/admin/sessions_app/event/{theirs.event.pk}/change/"), allowed=(302,))


def test_the_api_refuses_another_partners_token_and_session(client, partner_client, ours, theirs):
    path = reverse("api_results", kwargs={"slug": theirs.event.slug})
    # France's token on Kenya's event
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {ours.token}")
    assert_hidden(response, allowed=(404,))
    submit = reverse(
        "api_submit",
        kwargs={"slug": theirs.event.slug, "group_id": theirs.group.pk, "session_code": "digital-public-sphere"},
    )
    response = client.post(
        submit,
        data='{"data": {"answers": {}}}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ours.token}",
    )
    assert_hidden(response, allowed=(404,))
    # France's organiser signed in
    assert_hidden(partner_client.get(path), allowed=(404,))
    # and Kenya's own token still reads Kenya's results
    assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {theirs.token}").status_code == 200


def test_the_partner_page_shows_only_our_own_events(partner_client, dialogue, ours, theirs):
    response = partner_client.get(reverse("dialogue_partner_home", kwargs={"slug": dialogue.slug}))
    assert response.status_code == 302
    page = partner_client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert ours.event.title in body
    assert theirs.event.title not in body and theirs.organisation.name not in body
    assert_hidden(page, allowed=(200,))


def test_another_partners_page_and_its_actions_are_not_found(partner_client, dialogue, theirs):
    kwargs = {"slug": dialogue.slug, "organisation": theirs.organisation.slug}
    assert_hidden(partner_client.get(reverse("dialogue_partner", kwargs=kwargs)), allowed=(404,))
    response = partner_client.post(reverse("dialogue_partner_public", kwargs=kwargs), {"results_public": "on"})
    assert_hidden(response, allowed=(404,))
    theirs.organisation.dialogue_partnerships.get().refresh_from_db()
    assert theirs.organisation.dialogue_partnerships.get().results_public is False
    response = partner_client.post(
        reverse("dialogue_partner_event_create", kwargs=kwargs),
        {"title": "Hijack", "slug": "hijack", "starts_on": "2026-12-01", "starts_time": "10:00"},
    )
    assert_hidden(response, allowed=(404,))
    assert not theirs.organisation.events.filter(slug="hijack").exists()


def test_coordinator_only_actions_are_refused_to_partners(partner_client, dialogue, ours):
    slug = dialogue.slug
    assert partner_client.get(reverse("dialogue_coordinator", kwargs={"slug": slug})).status_code == 403
    response = partner_client.post(
        reverse("dialogue_invite", kwargs={"slug": slug}),
        {"organisation_name": "Sneaky", "email": "sneaky@example.org", "language": "en"},
    )
    assert response.status_code == 403
    response = partner_client.post(reverse("dialogue_publish", kwargs={"slug": slug}), {"note": "mine"})
    assert response.status_code == 403
    assert dialogue.versions.count() == 1
    assert not dialogue.partners.filter(organisation__name="Sneaky").exists()
    # nor in the admin
    assert partner_client.get("/admin/dialogues/dialogue/").status_code == 403
    assert partner_client.get(f"/admin/dialogues/dialogue/{dialogue.pk}/change/").status_code in (302, 403)


def test_coordinators_see_partners_progress_but_not_their_raw_data(client, coordinator, dialogue, sides):
    client.force_login(coordinator)
    page = client.get(reverse("dialogue_coordinator", kwargs={"slug": dialogue.slug}))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Partner France" in body and "Partner Kenya" in body
    assert "results from 1 of 1 group" in body
    assert_hidden(page, allowed=(200,))
    # a coordinator is not an organiser of the partners' events
    assert client.get(reverse("control_room", kwargs={"slug": sides[1].event.slug})).status_code == 404


def test_the_person_form_offers_only_our_own_organisers_as_accounts(partner_client, coordinator, ours, theirs):
    body = partner_client.get("/admin/sessions_app/participant/add/").content.decode()
    assert f">{theirs.user.username}<" not in body and f">{coordinator.username}<" not in body
    assert f">{ours.user.username}<" in body
