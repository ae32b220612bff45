"""Partners of a dialogue: inviting an organisation with a signed accept link by e-mail, its
acceptance (setting a new account's password on the way), and its opt-in to public results."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from dialogues.access import DialogueRefused, consent_refused, is_coordinator
from dialogues.models import Dialogue, DialoguePartner
from infrastructure.slugs import unique_slug
from sessions_app.models import Organisation

ACCEPT_SALT = "dialogues.partner-accept"
ACCEPT_MAX_AGE = dt.timedelta(days=14)


class InvitationInvalid(Exception):
    """An accept link that cannot be used; the message says why, for the person who opened it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Invitation:
    partner: DialoguePartner
    user: object
    created: bool  # False: the organisation was already invited and the link was sent again
    user_created: bool


def _unique_organisation_slug(name: str) -> str:
    return unique_slug(Organisation, slugify(name)[:40].strip("-") or "partner")


def _unique_username(email: str) -> str:
    user_model = get_user_model()
    base = (email.split("@", 1)[0] or "partner")[:120]
    username, n = base, 1
    while user_model.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


def _password_state(user) -> str:
    # Changes when the password is set: a link that set a password cannot set it again.
    return salted_hmac(ACCEPT_SALT, f"{user.pk}:{user.password}").hexdigest()[:16]


def accept_token_make(partner: DialoguePartner, user) -> str:
    return signing.dumps({"d": partner.pk, "u": user.pk, "s": _password_state(user)}, salt=ACCEPT_SALT)


def accept_url(partner: DialoguePartner, user, *, absolute: bool = True) -> str:
    path = reverse("dialogue_accept", kwargs={"token": accept_token_make(partner, user)})
    return f"{settings.SITE_URL}{path}" if absolute else path


@dataclass
class AcceptLink:
    partner: DialoguePartner
    user: object  # the person the link was sent to
    password_unset: bool  # the link is the first use of a new account: its person sets a password
    password_link_valid: bool  # the link has not yet been used to set the password


def accept_token_check(token: str) -> AcceptLink:
    """The partnership and person of an accept link, or InvitationInvalid with a reason for people."""
    try:
        payload = signing.loads(token, salt=ACCEPT_SALT, max_age=ACCEPT_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvitationInvalid(
            _("This invitation link has expired (links are valid for 14 days). Ask the coordinators to send it again.")
        ) from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid(_("This invitation link is not valid. Check that you copied all of it.")) from exc
    if not isinstance(payload, dict) or not isinstance(payload.get("d"), int) or not isinstance(payload.get("u"), int):
        raise InvitationInvalid(_("This invitation link is not valid. Check that you copied all of it."))
    partner = DialoguePartner.objects.select_related("dialogue", "organisation").filter(pk=payload["d"]).first()
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if partner is None or user is None:
        raise InvitationInvalid(_("This invitation was withdrawn. Ask the coordinators for a new one."))
    return AcceptLink(
        partner=partner,
        user=user,
        password_unset=not user.has_usable_password(),
        password_link_valid=payload.get("s") == _password_state(user),
    )


def _invitation_send(partner: DialoguePartner, user, invited_by, language: str) -> None:
    with translation.override(language):
        context = {
            "partner": partner,
            "dialogue": partner.dialogue,
            "organisation": partner.organisation,
            "invited_by": invited_by,
            "url": accept_url(partner, user),
            "partner_url": settings.SITE_URL
            + reverse(
                "dialogue_partner", kwargs={"slug": partner.dialogue.slug, "organisation": partner.organisation.slug}
            ),
            "new_account": not user.has_usable_password(),
            "days": ACCEPT_MAX_AGE.days,
        }
        subject = _("%(organisation)s is invited to %(dialogue)s") % {
            "organisation": partner.organisation.name,
            "dialogue": partner.dialogue,
        }
        body = render_to_string("dialogues/email/partner_invitation.txt", context)
    reply_to = [invited_by.email] if getattr(invited_by, "email", "") else None
    mail.EmailMessage(subject=subject, body=body, to=[partner.contact_email], reply_to=reply_to).send()


def partner_invite(
    *, dialogue: Dialogue, organisation_name: str, email: str, invited_by, language: str | None = None
) -> Invitation:
    """Invite an organisation into the dialogue and e-mail its contact a signed accept link.

    Creates the organisation (unless one has exactly this name), an account for the e-mail
    (unless one exists; it has no password until the link is opened) and makes it an organiser
    of the organisation. Inviting the same organisation again sends the link again and creates
    nothing. Only the dialogue's coordinators and superusers invite; adding someone to an
    existing organisation that has organisers or events is for superusers and that
    organisation's own organisers (it opens all the organisation's events to them).

    The e-mail is sent once the invitation is saved; if it cannot be sent, the invitation stays
    and DialogueRefused says so (inviting again sends it again)."""
    invitation = _invitation_record(
        dialogue=dialogue, organisation_name=organisation_name, email=email, invited_by=invited_by
    )
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        _invitation_send(invitation.partner, invitation.user, invited_by, language)
    except OSError as exc:  # SMTP errors are OSErrors
        raise DialogueRefused(
            _("The invitation is saved but the e-mail could not be sent (%(error)s). Invite again to retry.")
            % {"error": exc}
        ) from exc
    return invitation


@transaction.atomic
def _invitation_record(*, dialogue: Dialogue, organisation_name: str, email: str, invited_by) -> Invitation:
    if invited_by is None or not is_coordinator(invited_by, dialogue):
        raise DialogueRefused(_("Only the dialogue's coordinators invite partners."))
    name = " ".join(organisation_name.split())
    email = email.strip()
    if not name:
        raise DialogueRefused(_("Give the organisation's name."))
    if not email:
        raise DialogueRefused(_("Give the e-mail address of the organisation's contact."))
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
    organisation = Organisation.objects.select_for_update().filter(name=name).order_by("pk").first()
    if organisation is not None and not (
        invited_by.is_superuser
        or not (organisation.members.exists() or organisation.events.exists())
        or organisation.members.filter(pk=invited_by.pk).exists()
        or (user is not None and organisation.members.filter(pk=user.pk).exists())
    ):
        raise DialogueRefused(
            _(
                "%(organisation)s already exists, with its own organisers or events: invite one of its "
                "organisers, or ask an administrator to add %(email)s to it."
            )
            % {"organisation": name, "email": email}
        )
    if organisation is None:
        organisation = Organisation.objects.create(name=name, slug=_unique_organisation_slug(name))
    user_created = user is None
    if user_created:
        user = user_model(username=_unique_username(email), email=email, is_staff=True)
        user.set_unusable_password()
        user.save()
    elif not user.is_staff:
        user.is_staff = True  # organisers work in the admin, which shows them only their own events
        user.save(update_fields=["is_staff"])
    organisation.members.add(user)
    partner, created = DialoguePartner.objects.get_or_create(
        dialogue=dialogue, organisation=organisation, defaults={"contact_email": email, "invited_by": invited_by}
    )
    if not created:
        partner.contact_email, partner.invited_by, partner.invited_at = email, invited_by, timezone.now()
        partner.save(update_fields=["contact_email", "invited_by", "invited_at"])
    return Invitation(partner=partner, user=user, created=created, user_created=user_created)


def partner_accept(*, partner: DialoguePartner, user) -> DialoguePartner:
    """An organiser of the partner organisation accepts the invitation (again: nothing changes)."""
    if not partner.organisation.members.filter(pk=user.pk).exists():
        raise DialogueRefused(
            _("Only an organiser of %(organisation)s accepts this invitation.")
            % {"organisation": partner.organisation.name}
        )
    if partner.accepted_at is None:
        partner.accepted_at = timezone.now()
        partner.save(update_fields=["accepted_at"])
    return partner


@transaction.atomic
def partner_accept_with_password(*, link: AcceptLink, password: str) -> DialoguePartner:
    """A new account's person sets their password from the link, and the invitation is accepted."""
    from allauth.account.models import EmailAddress

    if not (link.password_unset and link.password_link_valid):
        raise InvitationInvalid(_("This link was already used to choose a password. Sign in instead."))
    user = link.user
    user.set_password(password)
    user.save(update_fields=["password"])
    # Opening the e-mailed link proves the address.
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
    return partner_accept(partner=link.partner, user=user)


def _consent_set(*, partner: DialoguePartner, field: str, value: bool, user, refusal: str) -> DialoguePartner:
    """A partner's consent (``field``, a boolean of DialoguePartner) is its own decision: only its
    organisers switch it on (else ``refusal``, with the organisation's name); anyone who may
    change the partnership may switch it off."""
    if consent_refused(user, partner, field, value):
        raise DialogueRefused(refusal % {"organisation": partner.organisation})
    if getattr(partner, field) != value:
        setattr(partner, field, value)
        partner.save(update_fields=[field])
    return partner


def partner_results_public_set(*, partner: DialoguePartner, public: bool, user) -> DialoguePartner:
    """The partner's events' aggregated results on the dialogue's public page, or not."""
    refusal = _("Only an organiser of %(organisation)s can agree to publish its results.")
    return _consent_set(partner=partner, field="results_public", value=public, user=user, refusal=refusal)


def partner_recommendations_shared_set(*, partner: DialoguePartner, shared: bool, user) -> DialoguePartner:
    """The partner's groups' recommendations in the dialogue's results (and on its public page
    when its results are public), or not."""
    refusal = _("Only an organiser of %(organisation)s can agree to share its groups' recommendations.")
    return _consent_set(partner=partner, field="recommendations_shared", value=shared, user=user, refusal=refusal)
