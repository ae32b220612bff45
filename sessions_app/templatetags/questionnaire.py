"""Template filters that show an event's questionnaire in the reader's language."""

from django import template
from django.utils.translation import get_language

from infrastructure.languages import pick_translation
from sessions_app.translations import translated

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    """{{ question|tr:"text" }}: the text in the page's language, else the original."""
    return translated(obj, field)


@register.filter
def phase_title(phase: dict) -> str:
    """{{ state.phase|phase_title }}: the title of the live state's phase in the page's language."""
    return pick_translation(phase.get("titles"), get_language()) or phase.get("title", "")
