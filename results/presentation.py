"""The plenary's presenter mode, driven from the control room: the organiser moves every screen
to a slide, reveals or hides a question's figures, or puts a group's recommendation on screen.

Every change names the state it wants (slide 4, not "the next one"), so a double click changes
nothing, and a change to what already holds sends nothing. Reads are in
``results.presentation_selectors``; the screens hear the state through ``results.streams``."""

from django.db import transaction
from django.utils.translation import gettext as _

from groups.models import BreakoutGroup
from infrastructure.cleaning import shown, text_problem
from results.models import PlenarySettings
from results.presentation_selectors import QUESTION, presentation_outline, slide_html
from results.presentation_state import presentation_state
from results.services import ResultsRefused
from results.streams import presentation_changed
from sessions_app.models import Event

UNCHANGED = object()
LONGEST_NUMBER = 6  # digits of a slide number or more: no event has that many slides


class PresentationRefused(ResultsRefused):
    """A presenter command that cannot be followed; the message says why."""


def _clean(value, what: str) -> str:
    if not isinstance(value, str):
        raise PresentationRefused(_("%(what)s must be a text.") % {"what": what})
    problem = text_problem(value)
    if problem:
        raise PresentationRefused(f"{what}: {problem}")
    return value.strip()


def _whole_number(value, what: str) -> int:
    """A whole number from a form's text or from code; refused when it is anything else."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PresentationRefused(_("%(what)s must be a whole number.") % {"what": what})
    if isinstance(value, str):
        text = _clean(value, what)
        if not (text.isascii() and text.isdigit() and len(text) <= LONGEST_NUMBER):
            raise PresentationRefused(
                _("%(what)s must be a whole number, not “%(value)s”.") % {"what": what, "value": shown(text)[:20]}
            )
        value = int(text)
    return value


def _group(event: Event, value) -> BreakoutGroup | None:
    if value is None or value == "":
        return None
    group_id = value.pk if isinstance(value, BreakoutGroup) else _whole_number(value, _("The group"))
    group = BreakoutGroup.objects.filter(pk=group_id).first() if 0 < group_id < 2**31 else None
    if group is None:
        raise PresentationRefused(_("There is no such group: reload the control room."))
    if group.event_id != event.pk:
        raise PresentationRefused(_("That group belongs to another event."))
    return group


@transaction.atomic
def presentation_update(
    *, event: Event, slide=None, question: str | None = None, reveal: bool | None = None, group=UNCHANGED
) -> PlenarySettings:
    """Move the screens to ``slide`` (0-based), reveal (True) or hide (False) the figures of
    ``question`` (its key, "<session code>/<question code>"), and/or put ``group``'s
    recommendation on screen (None takes it off). Refused, changing nothing, when any is wrong."""
    settings_, _created = PlenarySettings.objects.select_for_update().get_or_create(event=event)
    outline = presentation_outline(event)
    changes = {}
    if slide is not None:
        number = _whole_number(slide, _("The slide"))
        if not 0 <= number < len(outline):
            raise PresentationRefused(
                _("There is no slide %(n)s: choose one from 1 to %(total)s.") % {"n": number + 1, "total": len(outline)}
            )
        changes["present_slide"] = number
    if reveal is not None or question is not None:
        if not isinstance(reveal, bool) or question is None:
            raise PresentationRefused(_("Say which question's figures to reveal or hide."))
        key = _clean(question, _("The question"))
        if key not in {s["key"] for s in outline if s["kind"] == QUESTION}:
            raise PresentationRefused(_("That question is not on the slides: reload the control room."))
        chosen = dict(settings_.present_reveal) if isinstance(settings_.present_reveal, dict) else {}
        chosen[key] = reveal
        changes["present_reveal"] = chosen
    if group is not UNCHANGED:
        found = _group(event, group)
        changes["present_group_id"] = found.pk if found else None
    if all(getattr(settings_, name) == value for name, value in changes.items()):
        return settings_  # already so: nothing changes, nothing is sent
    for name, value in changes.items():
        setattr(settings_, name, value)
    settings_.present_version += 1
    settings_.save()
    presentation_changed(
        event_id=event.pk,
        state=presentation_state(settings_, len(outline)),
        slide_html=lambda: slide_html(event.pk),
    )
    return settings_
