"""Voting from a phone with the code on the presenter's slides: the event's short code (made
when first needed), the link and QR code it stands for (/v/<code>/), the questions open for
votes, and open voting (anyone with the code, once per device and question, when the organiser
allowed it; counted apart from the participants' votes, in OpenVote)."""

import secrets
import uuid

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from results.models import OpenVote, PlenarySettings
from results.services import VOTED_KINDS, VoteRefused, vote_data
from results.streams import plenary_changed
from sessions_app.models import Event, Question

# No 0/O, 1/I/L: a code read off a wall screen is typed without doubt.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def vote_code_clean(text) -> str | None:
    """The code as typed (any case, spaces around), or None when it cannot be a code."""
    if not isinstance(text, str):
        return None
    code = text.strip().upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def vote_code_of(event: Event) -> str:
    """The event's code, made and stored the first time it is asked for."""
    settings_, _created = PlenarySettings.objects.get_or_create(event=event)
    if settings_.vote_code:
        return settings_.vote_code
    for _attempt in range(20):
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                # Only if still without one: two screens asking at once keep the first code.
                PlenarySettings.objects.filter(pk=settings_.pk, vote_code__isnull=True).update(vote_code=code)
        except IntegrityError:
            continue  # another event has it
        return PlenarySettings.objects.values_list("vote_code", flat=True).get(pk=settings_.pk)
    raise RuntimeError("no free vote code")


def vote_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("phone_vote", args=[code])


def vote_qr(code: str) -> dict:
    """``{"code", "url", "svg"}`` for a slide: the SVG from segno (of the URL's safe characters
    only), with a viewBox and no size, so that the slide's style sizes it."""
    url = vote_url(code)
    return {"code": code, "url": url, "svg": segno.make(url, error="m").svg_inline(border=2, omitsize=True)}


def event_for_vote_code(text) -> tuple[Event, PlenarySettings] | None:
    code = vote_code_clean(text)
    if code is None:
        return None
    found = PlenarySettings.objects.select_related("event").filter(vote_code=code).first()
    return (found.event, found) if found else None


def open_questions(event: Event):
    """The questions each person answers that are open for votes now."""
    return (
        Question.objects.filter(
            session__event=event, is_open=True, kind__in=VOTED_KINDS, respondent=Question.Respondent.INDIVIDUAL
        )
        .order_by("session__order", "order", "pk")
        .prefetch_related("options")
    )


def open_vote_cast(*, event: Event, question: Question, device: uuid.UUID, choice) -> OpenVote:
    """One device's answer under open voting; refused, storing nothing, when open voting is off,
    the question is another event's, not open, answered by groups, or this device answered it."""
    settings_ = PlenarySettings.objects.filter(event=event).first()
    if settings_ is None or not settings_.open_voting:
        raise VoteRefused(_("Voting without a personal link is not allowed at this event."))
    if question.session.event_id != event.pk:
        raise VoteRefused(_("That question belongs to another event."))
    if question.kind not in VOTED_KINDS or question.respondent != Question.Respondent.INDIVIDUAL:
        raise VoteRefused(_("The group answers this question together."))
    if not question.is_open:
        raise VoteRefused(_("This question is not open for answers."))
    data = vote_data(question, choice)
    try:
        with transaction.atomic():
            vote = OpenVote.objects.create(question=question, device=device, data=data)
    except IntegrityError:
        raise VoteRefused(_("This device has already answered this question.")) from None
    plenary_changed(event.pk)
    return vote


def answered_on(device: uuid.UUID | None, questions) -> set[int]:
    if device is None:
        return set()
    return set(OpenVote.objects.filter(device=device, question__in=questions).values_list("question_id", flat=True))
