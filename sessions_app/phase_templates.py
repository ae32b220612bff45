"""Ready-made phase plans: an organiser outside a global dialogue sets up a known format in one click."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sessions_app.models import Event, Phase

# The seed's Day 0 format: (kind, title, planned minutes).
DAY0_PHASES = [
    (Phase.Kind.OPENING, gettext_noop("Opening"), 15),
    (Phase.Kind.BREAKOUT, gettext_noop("Break-out rooms"), 45),
    (Phase.Kind.PLENARY, gettext_noop("Results and conclusion"), 20),
]


@dataclass
class TemplateOutcome:
    created: int = 0
    refused: str = ""


def title_translations(title: str, original: str) -> dict:
    """A ready-made title (a msgid of DAY0_PHASES) in every interface language where the product's
    own translation differs from `original`: a phase's `translations`."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            text = _(title)
        if text != original:
            texts[code] = {"title": text}
    return texts


def event_phases_from_day0(*, event: Event) -> TemplateOutcome:
    """Give an event without phases the Day 0 phases, titled in the event's language; the
    break-out rooms discuss the event's first session, if it has one. An event of a dialogue
    keeps the dialogue's own plan, and phases already set are never replaced. Their titles come
    translated into the other interface languages."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.dialogue_id:
            return TemplateOutcome(refused=_("%(event)s follows its dialogue's plan.") % {"event": event})
        if event.phases.exists():
            return TemplateOutcome(refused=_("%(event)s already has phases: none were added.") % {"event": event})
        session = event.sessions.order_by("order").first()
        with translation.override(event.language):
            phases = [
                Phase(
                    event=event,
                    order=order,
                    kind=kind,
                    title=_(title),
                    planned_minutes=minutes,
                    session=session if kind == Phase.Kind.BREAKOUT else None,
                )
                for order, (kind, title, minutes) in enumerate(DAY0_PHASES, start=1)
            ]
        for phase, (_kind, title, _minutes) in zip(phases, DAY0_PHASES, strict=True):
            phase.translations = title_translations(title, phase.title)
        Phase.objects.bulk_create(phases)
    return TemplateOutcome(created=len(phases))
