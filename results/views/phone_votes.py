"""Voting from a phone with the code on the presenter's slides (/v/<code>/): a person signed in
with their personal link goes to their vote page; anyone else is told to open that link first,
unless the organisers allowed open voting (results.phone_votes)."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from infrastructure.ratelimit import client_address, rate_limit_hit
from results import phone_votes
from results.services import VoteRefused
from results.views.votes import MAX_ID
from sessions_app.auth import participant_for_request
from sessions_app.models import Question

DEVICE_COOKIE = "vote_device"
DEVICE_SALT = "results.phone_votes.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 30


def _unknown(request):
    message = _("There is no vote with this code. Check the code on the screen and type it again.")
    return render(request, "results/phone_vote_message.html", {"message": message}, status=404)


def _device(request) -> uuid.UUID | None:
    """This device's id, from its signed cookie (None without one, or with a forged one)."""
    try:
        value = request.get_signed_cookie(DEVICE_COOKIE, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
        return uuid.UUID(value)
    except (KeyError, ValueError, signing.BadSignature):
        return None


@never_cache
@require_GET
def phone_vote(request, code):
    found = phone_votes.event_for_vote_code(code)
    if found is None:
        return _unknown(request)
    event, settings_ = found
    if participant_for_request(request, event) is not None:
        return redirect("vote", slug=event.slug)
    context = {"event": event, "code": settings_.vote_code, "open_voting": settings_.open_voting}
    if settings_.open_voting:
        questions = list(phone_votes.open_questions(event))
        context.update(questions=questions, answered=phone_votes.answered_on(_device(request), questions))
    return render(request, "results/phone_vote.html", context)


@require_POST
def phone_vote_cast(request, code, question_id):
    found = phone_votes.event_for_vote_code(code)
    if found is None:
        return _unknown(request)
    event, settings_ = found
    if participant_for_request(request, event) is not None:
        messages.info(request, _("You are signed in with your personal link: answer here."))
        return redirect("vote", slug=event.slug)
    if not settings_.open_voting:
        message = _("To vote, open your personal link first (the one you received from the organisers).")
        return render(request, "results/phone_vote_message.html", {"message": message}, status=403)
    if rate_limit_hit("open-vote", client_address(request), settings.OPEN_VOTE_RATE_LIMIT):
        message = _("Too many answers were sent from your network in a short time. Wait a few minutes and try again.")
        return render(request, "results/phone_vote_message.html", {"message": message}, status=429)
    question = Question.objects.filter(pk=min(question_id, MAX_ID - 1), session__event=event).first()
    if question is None:
        messages.error(request, _("That question is not one of this event's."))
        return redirect("phone_vote", code=settings_.vote_code)
    device = _device(request) or uuid.uuid4()
    try:
        phone_votes.open_vote_cast(event=event, question=question, device=device, choice=request.POST.getlist("choice"))
    except VoteRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Your answer is saved."))
    response = redirect("phone_vote", code=settings_.vote_code)
    response.set_signed_cookie(
        DEVICE_COOKIE,
        str(device),
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
