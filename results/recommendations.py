"""The organiser's curation of the recommendations wall: star, hide, and group similar
recommendations under a label (``RecommendationCuration``). Every change names the state it
wants (starred, not "toggle"), so a double click changes nothing; refused, changing nothing, when
anything is wrong. Reads are in ``results.recommendation_selectors``."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from groups.models import BreakoutGroup
from infrastructure.cleaning import text_problem
from infrastructure.languages import base_language
from results.models import RecommendationCuration
from results.services import ResultsRefused
from results.streams import plenary_changed
from sessions_app.models import Event

LABEL_LONGEST = 80
TRANSLATION_LONGEST = 4000  # a recommendation is a paragraph or two (the notes' open answers: 4,000)
MOST_GROUPS = 500  # more ids than this in one request: not a list a page sends


class CurationRefused(ResultsRefused):
    """A curation that cannot be done; the message says why."""


def _group_id(value) -> int:
    if isinstance(value, BreakoutGroup):
        return value.pk
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        raise CurationRefused(_("Say which group, by its number in the list (reload the page)."))
    return int(text)


def _groups(event: Event, values) -> list[BreakoutGroup]:
    ids = [_group_id(value) for value in values]
    if len(ids) > MOST_GROUPS:
        raise CurationRefused(_("Too many groups at once."))
    found = {g.pk: g for g in BreakoutGroup.objects.filter(pk__in=[i for i in ids if 0 < i < 2**31])}
    missing = [i for i in ids if i not in found]
    if missing:
        raise CurationRefused(_("There is no such group: reload the page."))
    if any(found[i].event_id != event.pk for i in ids):
        raise CurationRefused(_("That group belongs to another event."))
    return [found[i] for i in dict.fromkeys(ids)]


def _label(value) -> str:
    if not isinstance(value, str):
        raise CurationRefused(_("The label must be a text."))
    problem = text_problem(value)
    if problem:
        raise CurationRefused(_("The label %(problem)s") % {"problem": problem})
    label = " ".join(value.split())
    if len(label) > LABEL_LONGEST:
        raise CurationRefused(
            _("The label is too long: %(n)s characters, at most %(most)s.") % {"n": len(label), "most": LABEL_LONGEST}
        )
    return label


@transaction.atomic
def recommendation_curate(*, event: Event, group, starred=None, hidden=None, label=None) -> RecommendationCuration:
    """Set what is given (True/False for ``starred`` and ``hidden``; a label, "" for none)."""
    (found,) = _groups(event, [group])
    changes = {}
    for name, value in (("starred", starred), ("hidden", hidden)):
        if value is not None:
            if not isinstance(value, bool):
                raise CurationRefused(_("Say whether it is starred or hidden: yes or no."))
            changes[name] = value
    if label is not None:
        changes["cluster_label"] = _label(label)
    if not changes:
        raise CurationRefused(_("Say what to change: star, hide or group."))
    curation, _created = RecommendationCuration.objects.select_for_update().get_or_create(group=found)
    if any(getattr(curation, name) != value for name, value in changes.items()):
        for name, value in changes.items():
            setattr(curation, name, value)
        curation.save()
        plenary_changed(event.pk)
    return curation


@transaction.atomic
def recommendation_group(*, event: Event, groups, label) -> list[RecommendationCuration]:
    """Show ``groups``' recommendations together under ``label`` (a suggestion accepted, or the
    organiser's own set). Two groups at least, all of this event."""
    text = _label(label)
    if not text:
        raise CurationRefused(_("Give the set a label."))
    found = _groups(event, groups)
    if len(found) < 2:
        raise CurationRefused(_("Choose two recommendations or more to show together."))
    curations = []
    changed = False
    for group in found:
        curation, _created = RecommendationCuration.objects.select_for_update().get_or_create(group=group)
        if curation.cluster_label != text:
            curation.cluster_label = text
            curation.save()
            changed = True
        curations.append(curation)
    if changed:
        plenary_changed(event.pk)
    return curations


def _language(value) -> str:
    codes = dict(settings.LANGUAGES)
    if not isinstance(value, str) or value not in codes:
        raise CurationRefused(
            _("Choose the translation's language among: %(languages)s.") % {"languages": ", ".join(codes)}
        )
    return value


def _translation(value) -> str:
    if not isinstance(value, str):
        raise CurationRefused(_("The translation must be a text."))
    problem = text_problem(value)
    if problem:
        raise CurationRefused(_("The translation %(problem)s") % {"problem": problem})
    text = value.strip()
    if len(text) > TRANSLATION_LONGEST:
        raise CurationRefused(
            _("The translation is too long: %(n)s characters, at most %(most)s.")
            % {"n": len(text), "most": TRANSLATION_LONGEST}
        )
    return text


@transaction.atomic
def recommendation_translate(*, event: Event, group, language, text) -> RecommendationCuration:
    """Keep the organisers' translation of a group's recommendation into ``language`` (one of the
    product's languages; "" takes it away). Readers of the dialogue's results see it in their
    language, marked as a translation."""
    (found,) = _groups(event, [group])
    language = _language(language)
    if language == base_language(found.language or event.language):
        raise CurationRefused(_("The recommendation is written in that language already."))
    text = _translation(text)
    curation, _created = RecommendationCuration.objects.select_for_update().get_or_create(group=found)
    translations = dict(curation.translations or {})
    if text:
        translations[language] = text
    else:
        translations.pop(language, None)
    if translations != curation.translations:
        curation.translations = translations
        curation.save()
        plenary_changed(event.pk)
    return curation
