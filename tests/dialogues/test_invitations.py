"""Inviting partner organisations: the e-mailed accept link, new accounts choosing a password,
members accepting, wrong accounts and bad or expired links refused, re-invitations."""

import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dialogues.access import DialogueRefused
from dialogues.invitations import accept_token_make, partner_invite
from dialogues.models import DialoguePartner
from sessions_app.models import Organisation
from tests.dialogues.partner_world import accept_path_from_mail

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "a long and new passphrase 42"


def invite(dialogue, by, name="Kenya Civic Forum", email="contact@kcf.example.org", **kwargs):
    return partner_invite(dialogue=dialogue, organisation_name=name, email=email, invited_by=by, **kwargs)


def test_an_invitation_creates_the_organisation_the_account_and_mails_a_link(dialogue, coordinator, mailoutbox):
    invitation = invite(dialogue, coordinator)
    organisation = Organisation.objects.get(name="Kenya Civic Forum")
    user = User.objects.get(email="contact@kcf.example.org")
    assert invitation.created and invitation.user_created
    assert organisation.slug == "kenya-civic-forum"
    assert not user.has_usable_password() and user.is_staff
    assert organisation.members.filter(pk=user.pk).exists()
    partner = DialoguePartner.objects.get(dialogue=dialogue, organisation=organisation)
    assert partner.contact_email == "contact@kcf.example.org" and partner.invited_by == coordinator
    assert partner.accepted_at is None
    (message,) = mailoutbox
    assert message.to == ["contact@kcf.example.org"]
    assert "Kenya Civic Forum" in message.subject and "Global Dialogue" in message.subject
    assert message.reply_to == ["coordinator@example.org"]
    assert "choose your password" in message.body
    assert accept_path_from_mail(message).startswith("/dialogues/accept/")
    assert f"/dialogues/{dialogue.slug}/partner/kenya-civic-forum/" in message.body  # for later visits


def test_the_email_is_written_in_the_language_chosen(dialogue, coordinator, mailoutbox):
    from django.template.loader import render_to_string
    from django.utils import translation

    seen = []

    def spy(*args, **kwargs):
        seen.append(translation.get_language())
        return render_to_string(*args, **kwargs)

    with mock.patch("dialogues.invitations.render_to_string", side_effect=spy):
        invite(dialogue, coordinator, language="fr")
        invite(dialogue, coordinator, name="Other", email="other@example.org", language="es")
    assert seen == ["fr", "es"] and len(mailoutbox) == 2
    assert translation.get_language() == "en"  # the coordinator's own language is back


def test_the_organisation_slug_is_made_unique(dialogue, coordinator):
    Organisation.objects.create(name="Something else", slug="kenya-civic-forum")
    invite(dialogue, coordinator)
    assert Organisation.objects.get(name="Kenya Civic Forum").slug == "kenya-civic-forum-2"


def test_an_organisation_with_that_exact_name_is_reused(dialogue, coordinator):
    existing = Organisation.objects.create(name="Kenya Civic Forum", slug="kcf")
    invitation = invite(dialogue, coordinator)
    assert invitation.partner.organisation == existing
    assert Organisation.objects.filter(name="Kenya Civic Forum").count() == 1


def test_an_existing_account_is_reused_and_keeps_its_password(dialogue, coordinator, django_user_model, mailoutbox):
    user = django_user_model.objects.create_user(
        username="amani", email="Contact@KCF.example.org", password="pw-1234567"
    )
    invitation = invite(dialogue, coordinator)
    assert invitation.user == user and not invitation.user_created
    user.refresh_from_db()
    assert user.check_password("pw-1234567") and user.is_staff
    assert "sign in to accept" in mailoutbox[0].body


def test_reinviting_sends_again_and_duplicates_nothing(dialogue, coordinator, mailoutbox):
    first = invite(dialogue, coordinator)
    second = invite(dialogue, coordinator, name="  Kenya   Civic Forum ")
    assert not second.created and second.partner.pk == first.partner.pk
    assert Organisation.objects.filter(name="Kenya Civic Forum").count() == 1
    assert User.objects.filter(email="contact@kcf.example.org").count() == 1
    assert DialoguePartner.objects.filter(dialogue=dialogue).count() == 1
    assert len(mailoutbox) == 2
    assert accept_path_from_mail(mailoutbox[1]).startswith("/dialogues/accept/")


def test_only_coordinators_and_superusers_invite(dialogue, coordinator, django_user_model, mailoutbox):
    someone = django_user_model.objects.create_user(username="someone", email="someone@example.org", password="x")
    with pytest.raises(DialogueRefused, match="coordinators"):
        invite(dialogue, someone)
    boss = django_user_model.objects.create_superuser(username="boss", email="boss@example.org", password="x")
    assert invite(dialogue, boss).created
    assert len(mailoutbox) == 1


def test_a_coordinator_cannot_join_someone_to_another_organisation_that_has_organisers(
    dialogue, coordinator, django_user_model
):
    """Joining an organisation opens all its events to the account: not for a coordinator to do."""
    other = Organisation.objects.create(name="Established NGO", slug="ngo")
    other.members.add(django_user_model.objects.create_user(username="ngo", email="ngo@example.org", password="x"))
    with pytest.raises(DialogueRefused, match="already exists"):
        invite(dialogue, coordinator, name="Established NGO", email="intruder@example.org")
    assert not other.members.filter(email="intruder@example.org").exists()
    assert not User.objects.filter(email="intruder@example.org").exists()
    # inviting its own organiser is fine
    assert invite(dialogue, coordinator, name="Established NGO", email="ngo@example.org").created


def test_nor_to_an_organisation_that_has_events(dialogue, coordinator, event):
    with pytest.raises(DialogueRefused, match="already exists"):
        invite(dialogue, coordinator, name=event.organisation.name, email="intruder@example.org")
    assert not event.organisation.members.exists()


# --- The accept page ------------------------------------------------------------------------


def test_a_new_account_chooses_its_password_and_is_signed_in(client, dialogue, coordinator, mailoutbox):
    invite(dialogue, coordinator)
    path = accept_path_from_mail(mailoutbox[0])
    page = client.get(path)
    assert page.status_code == 200 and "Choose your password" in page.content.decode()
    mismatch = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"})
    assert mismatch.status_code == 400
    response = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    organisation = Organisation.objects.get(name="Kenya Civic Forum")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "dialogue_partner", kwargs={"slug": dialogue.slug, "organisation": organisation.slug}
    )
    assert client.get(response["Location"]).status_code == 200  # signed in
    partner = DialoguePartner.objects.get(organisation=organisation)
    assert partner.accepted_at is not None
    user = User.objects.get(email="contact@kcf.example.org")
    assert user.check_password(PASSWORD)
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(user=user).verified


def test_the_link_does_not_set_the_password_twice(client, dialogue, coordinator, mailoutbox):
    invite(dialogue, coordinator)
    path = accept_path_from_mail(mailoutbox[0])
    client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()
    response = client.post(path, {"new_password1": "another pass 9876", "new_password2": "another pass 9876"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]  # sign in instead
    assert User.objects.get(email="contact@kcf.example.org").check_password(PASSWORD)


def test_a_signed_in_member_just_accepts(client, dialogue, coordinator, django_user_model, mailoutbox):
    user = django_user_model.objects.create_user(username="amani", email="contact@kcf.example.org", password="pw")
    invite(dialogue, coordinator)
    path = accept_path_from_mail(mailoutbox[0])
    assert client.get(path)["Location"].startswith("/accounts/login/")  # not signed in yet
    client.force_login(user)
    page = client.get(path)
    assert page.status_code == 200 and "Accept for Kenya Civic Forum" in page.content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert DialoguePartner.objects.get(dialogue=dialogue).accepted_at is not None
    assert "accepted on" in client.get(path).content.decode()


def test_another_signed_in_account_is_refused_with_an_explanation(client, dialogue, coordinator, mailoutbox):
    invite(dialogue, coordinator)
    path = accept_path_from_mail(mailoutbox[0])
    client.force_login(coordinator)  # not an organiser of the invited organisation
    for response in (client.get(path), client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})):
        assert response.status_code == 403
        body = response.content.decode()
        assert "coordinator@example.org" in body and "contact@kcf.example.org" in body and "Sign out" in body
    assert DialoguePartner.objects.get(dialogue=dialogue).accepted_at is None
    assert not User.objects.get(email="contact@kcf.example.org").has_usable_password()


def test_a_bad_link_is_a_clear_400(client):
    response = client.get("/dialogues/accept/not-a-real-token/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_an_expired_link_is_a_clear_400(client, dialogue, coordinator):
    invitation = invite(dialogue, coordinator)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 15 * 24 * 3600):
        token = accept_token_make(invitation.partner, invitation.user)
    response = client.get(reverse("dialogue_accept", kwargs={"token": token}))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 13 * 24 * 3600):
        token = accept_token_make(invitation.partner, invitation.user)
    assert client.get(reverse("dialogue_accept", kwargs={"token": token})).status_code == 200


def test_a_link_of_a_withdrawn_partnership_is_a_clear_400(client, dialogue, coordinator, mailoutbox):
    invitation = invite(dialogue, coordinator)
    invitation.partner.delete()
    response = client.get(accept_path_from_mail(mailoutbox[0]))
    assert response.status_code == 400 and "withdrawn" in response.content.decode()


# --- Through the coordinators' page ---------------------------------------------------------


def test_the_invite_form_sends_the_invitation(client, dialogue, coordinator, mailoutbox):
    client.force_login(coordinator)
    url = reverse("dialogue_invite", kwargs={"slug": dialogue.slug})
    data = {"organisation_name": "Kenya Civic Forum", "email": "contact@kcf.example.org", "language": "en"}
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kenya Civic Forum is invited" in body and "not yet accepted" in body
    again = client.post(url, data, follow=True).content.decode()
    assert "was already invited" in again
    assert len(mailoutbox) == 2 and DialoguePartner.objects.filter(dialogue=dialogue).count() == 1


def test_the_invite_form_shows_what_is_wrong(client, dialogue, coordinator, django_user_model, mailoutbox):
    client.force_login(coordinator)
    url = reverse("dialogue_invite", kwargs={"slug": dialogue.slug})
    response = client.post(url, {"organisation_name": "", "email": "not an address", "language": "en"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    other = Organisation.objects.create(name="Established NGO", slug="ngo")
    other.members.add(django_user_model.objects.create_user(username="ngo", email="ngo@example.org", password="x"))
    response = client.post(url, {"organisation_name": "Established NGO", "email": "x@example.org", "language": "en"})
    assert response.status_code == 400 and "already exists" in response.content.decode()
    assert mailoutbox == []
