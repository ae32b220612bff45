"""Publishing a partner's results is the partner's own decision: a coordinator (or an
administrator who is not one of its organisers) cannot switch its opt-in on, in the admin or on
the partner page posted by hand; switching it off stays possible."""

import pytest
from django.urls import reverse

from dialogues.access import DialogueRefused
from dialogues.invitations import partner_results_public_set
from dialogues.models import DialoguePartner
from tests.factories import make_partner

pytestmark = pytest.mark.django_db


def _admin_post_data(response) -> dict:
    """The change form as the browser would send it back, unchanged."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if callable(value):
                value = value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None and not isinstance(value, list | tuple):
                data[key] = getattr(value, "pk", value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def partner(dialogue, django_user_model):
    organisation, user = make_partner(dialogue, "Partner Kenya", "ke-partner", django_user_model)
    return DialoguePartner.objects.get(organisation=organisation), user


def _change(client, dialogue, *, public: bool):
    url = f"/admin/dialogues/dialogue/{dialogue.pk}/change/"
    data = _admin_post_data(client.get(url))
    key = "partners-0-results_public"
    assert "partners-0-id" in data
    data.pop(key, None)
    if public:
        data[key] = "on"
    return client.post(url, data)


def test_a_coordinator_cannot_switch_a_partners_opt_in_on_in_the_admin(client, dialogue, coordinator, partner):
    client.force_login(coordinator)
    response = _change(client, dialogue, public=True)
    assert response.status_code == 200  # the form again, with the error
    assert "Only an organiser of Partner Kenya" in response.content.decode()
    assert DialoguePartner.objects.get(pk=partner[0].pk).results_public is False


def test_a_coordinator_may_switch_it_off(client, dialogue, coordinator, partner):
    DialoguePartner.objects.filter(pk=partner[0].pk).update(results_public=True)
    client.force_login(coordinator)
    response = _change(client, dialogue, public=False)
    assert response.status_code == 302
    assert DialoguePartner.objects.get(pk=partner[0].pk).results_public is False


def test_an_administrator_cannot_opt_a_partner_in_on_its_page(client, dialogue, partner, django_user_model):
    """Superusers open every partner's page, but the consent is the partner's."""
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "a long password")
    client.force_login(admin)
    kwargs = {"slug": dialogue.slug, "organisation": partner[0].organisation.slug}
    response = client.post(reverse("dialogue_partner_public", kwargs=kwargs), {"results_public": "on"})
    assert response.status_code == 403
    assert DialoguePartner.objects.get(pk=partner[0].pk).results_public is False


def test_only_the_partners_organisers_opt_in(dialogue, coordinator, partner):
    theirs, organiser = partner
    with pytest.raises(DialogueRefused, match="Only an organiser"):
        partner_results_public_set(partner=theirs, public=True, user=coordinator)
    with pytest.raises(DialogueRefused):
        partner_results_public_set(partner=theirs, public=True, user=None)
    assert partner_results_public_set(partner=theirs, public=True, user=organiser).results_public is True
    assert partner_results_public_set(partner=theirs, public=False, user=coordinator).results_public is False


def test_sharing_recommendations_is_the_partners_consent_in_the_admin_too(client, dialogue, coordinator, partner):
    client.force_login(coordinator)
    url = f"/admin/dialogues/dialogue/{dialogue.pk}/change/"
    data = _admin_post_data(client.get(url))
    data["partners-0-recommendations_shared"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "can agree to share its recommendations" in response.content.decode()
    assert DialoguePartner.objects.get(pk=partner[0].pk).recommendations_shared is False
    DialoguePartner.objects.filter(pk=partner[0].pk).update(recommendations_shared=True)
    data = _admin_post_data(client.get(url))
    data.pop("partners-0-recommendations_shared")
    assert client.post(url, data).status_code == 302  # switched off by a coordinator
    assert DialoguePartner.objects.get(pk=partner[0].pk).recommendations_shared is False
