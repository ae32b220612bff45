"""Votes in the room: a person's vote page, and casting or withdrawing an answer."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from groups import streams as groups_streams
from groups.selectors import membership_of
from results import selectors, services, votes
from sessions_app.decorators import participant_of_event
from sessions_app.models import Question

# Ids beyond a bigint match nothing (and are never sent to the database).
MAX_ID = 2**63


@never_cache
@require_GET
@participant_of_event
def vote_page(request, event, participant):
    membership = membership_of(participant)
    session = selectors.group_session(event)
    # The page follows the event like the lobby and the room: `state` is what it was drawn from.
    state = groups_streams.event_state(event, cached=True)
    if membership is None or session is None:
        context = {"event": event, "questions": [], "membership": membership, "state": state}
        return render(request, "results/vote.html", context)
    context = {
        "event": event,
        "membership": membership,
        "session": session,
        "rows": votes.vote_rows(participant=participant, session=session),
        "locked": votes.votes_locked(group=membership.group, session=session),
        "state": state,
    }
    return render(request, "results/vote.html", context)


@require_POST
@participant_of_event
def vote_cast(request, event, participant, question_id):
    question = get_object_or_404(Question, pk=min(question_id, MAX_ID - 1), session__event=event)
    choice = [] if "withdraw" in request.POST else request.POST.getlist("choice")
    try:
        vote = services.vote_cast(participant=participant, question=question, choice=choice)
    except services.VoteRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Your answer is saved.") if vote else _("Your answer is withdrawn."))
    return redirect("vote", slug=event.slug)
