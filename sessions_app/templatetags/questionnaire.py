"""Template filters that show an event's questionnaire in the reader's language."""

from django import template

from sessions_app.translations import translated

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    """{{ question|tr:"text" }}: the text in the page's language, else the original."""
    return translated(obj, field)
