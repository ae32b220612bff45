"""The control room's results section (questions opening, plenary settings, submissions)."""

from django import template

from groups.models import BreakoutGroup
from results import feedback, plenary_selectors, presentation_selectors, selectors
from results.models import NoteSubmission
from sessions_app.models import Question

register = template.Library()


@register.inclusion_tag("results/_control_section.html", takes_context=True)
def results_control_panel(context, event):
    settings_ = plenary_selectors.plenary_settings_of(event)
    questions = (
        Question.objects.filter(session__event=event, respondent=Question.Respondent.INDIVIDUAL)
        .exclude(kind__in=[Question.Kind.OPEN, Question.Kind.RANKING])
        .select_related("session")
        .order_by("session__order", "order")
    )
    groups = list(BreakoutGroup.objects.filter(event=event, allocation__is_current=True).order_by("round", "number"))
    status = dict(
        NoteSubmission.objects.filter(group__in=groups)
        .exclude(version=0)
        .values_list("group_id", "status")
        .order_by("group_id", "status")
    )
    current = ""
    if settings_.world_scope and event.dialogue_id:
        current = f"world|{settings_.world_scope}"
    elif settings_.reference_dataset_id:
        current = f"{settings_.reference_dataset_id}|{settings_.scope}|{settings_.scope_name}"
    return {
        "event": event,
        "csrf_token": context.get("csrf_token"),
        "settings": settings_,
        "scopes": plenary_selectors.plenary_scopes(event),
        "world_scopes": plenary_selectors.plenary_world_scopes(event),
        "current_scope": current,
        "questions": questions,
        "groups": [{"group": g, "status": status.get(g.pk)} for g in groups],
        "submitted": sum(1 for s in status.values() if s == NoteSubmission.Status.SUBMITTED),
        "set_aside": selectors.results_set_aside(event) if groups else [],
        "feedback": feedback.feedback_summary(event),
        "zoom_files": [(number, f"zoom-round-{number}.csv") for number in sorted({g.round for g in groups})],
        "presenter": presentation_selectors.presentation_controls(event, settings_),
    }
