"""Who may do what in a dialogue: its coordinators, its partners and the readers of its live
results; and ``DialogueRefused``, the refusal that says why an action cannot be done."""

from dialogues.models import Dialogue, DialoguePartner
from sessions_app.models import Organisation


class DialogueRefused(ValueError):
    """A dialogue action that cannot be done; the message says why, for the person who tried."""


def is_coordinator(user, dialogue: Dialogue) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or dialogue.coordinators.filter(pk=user.pk).exists()


def may_see_results(user, dialogue: Dialogue) -> bool:
    """The live global results: coordinators, superusers and organisers of a partner organisation."""
    if is_coordinator(user, dialogue):
        return True
    return user.is_authenticated and dialogue.partners.filter(organisation__members=user).exists()


def is_partner(dialogue: Dialogue, organisation: Organisation) -> bool:
    return DialoguePartner.objects.filter(dialogue=dialogue, organisation=organisation).exists()


def partner_may_opt_in(user, partner: DialoguePartner) -> bool:
    """Publishing a partner's results is the partner's own decision: only its organisers make it
    (not the coordinators, not the platform's administrators). Anyone who may change the
    partnership may switch it off."""
    return bool(user is not None and user.is_authenticated and partner.organisation.members.filter(pk=user.pk).exists())


def consent_refused(user, partner: DialoguePartner, field: str, value: bool) -> bool:
    """Whether setting the partner's consent ``field`` (a boolean of DialoguePartner) to ``value``
    is refused to ``user``: switching it on is the partner's own organisers' decision
    (``partner_may_opt_in``); switching it off, or leaving it as it is, never is."""
    return bool(value and not getattr(partner, field) and not partner_may_opt_in(user, partner))
