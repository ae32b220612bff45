"""The participants' closing page, in the closing plenary: the event's results as the plenary
shows them, their group's recommendation, a thank-you, what happens next, and the anonymous
feedback survey (results/feedback.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from groups import streams
from results import feedback, plenary_selectors, presentation_selectors
from results.figures import bar_width
from sessions_app.decorators import participant_of_event


def _results(snapshot: dict) -> list[dict]:
    """The plenary's sessions with each option's bar width, for templates/includes/bar_chart.html."""
    for session in snapshot["sessions"]:
        for question in session["questions"]:
            for option in question["options"]:
                option["width"] = bar_width(option["percent"])
    return snapshot["sessions"]


def _now(event, membership) -> dict:
    return presentation_selectors.presentation_now(event, membership.group_id if membership else None)


def _page(request, event, participant, state, membership, *, problems=None, posted=None, status=200):
    part = request.GET.get("part")
    if part == "now":  # what every phone fetches every few seconds: the slide alone
        return render(request, "results/_closing_now.html", {"event": event, "now": _now(event, membership)})
    snapshot = plenary_selectors.plenary_snapshot_cached(event)
    questions = feedback.feedback_questions_of(event)
    posted = posted or {}
    for question in questions:
        question["value"] = posted.get(question["field"], "")
        question["problem"] = (problems or {}).get(question["field"])
    context = {
        "event": event,
        "participant": participant,
        "state": state,
        "view": "closing",
        "results_visible": snapshot["results_visible"],
        "sessions": _results(snapshot),
        "recommendation": plenary_selectors.group_recommendation(membership.group) if membership else None,
        "feedback_questions": questions,
        "feedback_problem": (problems or {}).get("__all__"),
        "feedback_given": participant.feedback_given_at is not None,
        "scores": range(1, 6),
        "now": _now(event, membership) if part != "results" else None,
        "my_group": membership.group_id if membership else None,
    }
    template = "results/_closing_results.html" if part == "results" else "results/closing.html"
    return render(request, template, context, status=status)


@never_cache
@require_GET
@participant_of_event
def closing_page(request, event, participant):
    state = streams.event_state(event, cached=True)
    view, membership = streams.person_view(participant, state)
    if view != "closing":
        return redirect("lobby", slug=event.slug)
    return _page(request, event, participant, state, membership)


@require_POST
@participant_of_event
def feedback_submit(request, event, participant):
    state = streams.event_state(event, cached=True)
    view, membership = streams.person_view(participant, state)
    if view != "closing":
        messages.error(request, _("The feedback survey opens in the closing plenary."))
        return redirect("lobby", slug=event.slug)
    try:
        feedback.feedback_submit(participant=participant, data=request.POST)
    except feedback.FeedbackRefused as refused:
        return _page(
            request, event, participant, state, membership, problems=refused.problems, posted=request.POST, status=400
        )
    messages.success(request, _("Thank you for your feedback!"))
    return redirect("closing", slug=event.slug)
