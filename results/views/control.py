"""Control room actions of results: opening and closing questions, and the plenary's settings.
Each answers JSON to the page's scripts, else redirects back to the control room."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.models import BreakoutGroup
from infrastructure.actions import action_answer
from results import services
from results.figures import Weighting
from results.plenary_settings import plenary_reference_changes
from results.presentation import presentation_update
from sessions_app.decorators import organiser_of_event
from sessions_app.models import Question


def _posted_id(request, name: str) -> int:
    """A posted id, or 0 (matches nothing) when it is not a whole number the database can hold."""
    value = request.POST.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 and int(value) < 2**31 else 0


def _question_open(request, event, is_open):
    question = get_object_or_404(Question, pk=_posted_id(request, "question"), session__event=event)
    services.question_open_set(event=event, question=question, is_open=is_open)
    return (_("“%(code)s” is open.") if is_open else _("“%(code)s” is closed.")) % {"code": question.code}


def _plenary(request, event):
    changes = {}
    post = request.POST
    if "reference" in post:
        changes.update(plenary_reference_changes(event=event, value=post["reference"]))
    if "results_visible" in post:
        changes["results_visible"] = post["results_visible"] == "1"
    if "open_voting" in post:
        changes["open_voting"] = post["open_voting"] == "1"
    if "on_screen_group" in post:
        group_id = post["on_screen_group"]
        changes["on_screen_group"] = (
            get_object_or_404(BreakoutGroup, pk=_posted_id(request, "on_screen_group"), event=event)
            if group_id.isdigit()
            else None
        )
    if "weighting" in post:
        if post["weighting"] not in Weighting._value2member_map_:
            raise services.PlenarySettingsRefused(_("Unknown weighting."))
        changes["weighting"] = post["weighting"]
    services.plenary_settings_update(event=event, **changes)
    return _("The plenary screen is updated.")


def _presenter(request, event):
    """The presenter's commands: a slide (which takes a group off screen), a question's figures
    revealed or hidden, a group's recommendation on screen (an empty group takes it off)."""
    post, changes = request.POST, {}
    if "slide" in post:
        changes.update(slide=post["slide"], group=None)
    if "question" in post or "reveal" in post:
        changes.update(question=post.get("question", ""), reveal={"1": True, "0": False}.get(post.get("reveal")))
    if "group" in post:
        changes["group"] = post["group"] or None
    if not changes:
        raise services.PlenarySettingsRefused(_("Say what the presenter screens should show."))
    presentation_update(event=event, **changes)
    return _("The presenter screens are updated.")


CONTROL_ACTIONS = {
    "question-open": lambda request, event: _question_open(request, event, True),
    "question-close": lambda request, event: _question_open(request, event, False),
    "plenary": _plenary,
    "presenter": _presenter,
}


@require_POST
@organiser_of_event
def control_action(request, event, action):
    """Run one control-room action; answers JSON to the page's scripts, else redirects back."""
    handler = CONTROL_ACTIONS.get(action)
    if handler is None:
        return JsonResponse({"error": _("Unknown action.")}, status=404)
    try:
        message, ok = handler(request, event), True
    except services.ResultsRefused as refused:  # a question that cannot open or close, or plenary settings
        message, ok = str(refused), False
    except Http404:
        message, ok = _("That is not part of this event: reload the control room."), False
    return action_answer(request, ok=ok, message=message, back=reverse("control_room", kwargs={"slug": event.slug}))
