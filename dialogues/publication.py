"""What the public results may show of each site: its figures as last released, in steps of at
least the threshold of answering units (see docs/privacy.md).

A figure of a scope is the sum of its sites' tally entries. The public figures use, for every
site and question, the entry *released* last: a site's entry is released again only once its
answering units (people, or groups for group answers and rankings) have grown by at least the
dialogue's ``min_respondents`` since its last release, and its first release needs that many as
well. So every published number, in any scope and at any moment, is a sum of releases, and any
difference between published numbers (two scopes, two moments, or both) is a sum of differences
between releases: never fewer than the threshold of answering units. The live page of the
coordinators and partners is not held back.
"""

from django.db import transaction
from django.utils import timezone

from dialogues.models import Dialogue, SiteRelease
from results.answers import OPEN, QuestionSpec
from results.merging import answering_units

# The entry's sums that the global figures read (``by_valid`` is for one event's own page).
_KEPT = ("groups", "valid", "value", "counts", "first", "ranks")


def _specs(sessions: list[dict]) -> list[tuple[str, QuestionSpec]]:
    return [(session["code"], spec) for session in sessions for spec in session["questions"] if spec.kind != OPEN]


def _stored(dialogue: Dialogue, event_ids: list[int]) -> dict[int, SiteRelease]:
    return {row.event_id: row for row in SiteRelease.objects.filter(dialogue=dialogue, event_id__in=event_ids)}


def _current_entry(tallies: dict, event_id: int, session_code: str, question_code: str) -> dict:
    found = tallies.get(event_id, {}).get(session_code)
    return (found[0].get("questions", {}).get(question_code) or {}) if found else {}


def _advance(dialogue_id: int, stored, event_ids, tallies, specs, minimum: int) -> list[SiteRelease]:
    """Release every entry that has grown by ``minimum`` units; the rows that changed."""
    changed = []
    for event_id in event_ids:
        row = stored.get(event_id)
        data = row.data if row is not None else {}
        moved = False
        for session_code, spec in specs:
            current = _current_entry(tallies, event_id, session_code, spec.code)
            released = data.get(session_code, {}).get(spec.code)
            # Only growth by the threshold counts: a site whose units fell (results removed, groups
            # allocated anew) keeps its last release until it passes it by the threshold again.
            if answering_units(spec, current) >= answering_units(spec, released) + minimum:
                data.setdefault(session_code, {})[spec.code] = {k: v for k, v in current.items() if k in _KEPT}
                moved = True
        if moved:
            if row is None:
                row = SiteRelease(dialogue_id=dialogue_id, event_id=event_id)
                stored[event_id] = row
            row.data = data
            changed.append(row)
    return changed


def released_tallies(dialogue: Dialogue, event_ids: list[int], tallies: dict, sessions: list[dict]) -> dict:
    """The sites' released tallies, in the shape of ``dialogues.results._tallies``:
    ``{event_id: {session code: ({"groups", "questions": {code: entry}}, released_at)}}``.

    Releases what has grown enough first. That write is rare (only when a site passed a step)
    and made under a lock of the dialogue's row, so that two builders never publish two
    different steps; without a step due it costs one query."""
    minimum = dialogue.min_respondents
    specs = _specs(sessions)
    stored = _stored(dialogue, event_ids)
    if _advance(dialogue.pk, stored, event_ids, tallies, specs, minimum):  # (on copies thrown away)
        with transaction.atomic():
            list(Dialogue.objects.select_for_update().filter(pk=dialogue.pk).values_list("pk", flat=True))
            stored = _stored(dialogue, event_ids)  # as the last builder left them
            changed = _advance(dialogue.pk, stored, event_ids, tallies, specs, minimum)
            now = timezone.now()
            for row in changed:
                row.released_at = now
            SiteRelease.objects.bulk_create([row for row in changed if row.pk is None])
            SiteRelease.objects.bulk_update([row for row in changed if row.pk is not None], ["data", "released_at"])
    released: dict[int, dict] = {}
    for event_id, row in stored.items():
        sessions_of_site = {}
        for session_code, entries in row.data.items():
            groups = max((int(entry.get("groups") or 0) for entry in entries.values()), default=0)
            sessions_of_site[session_code] = ({"groups": groups, "questions": entries}, row.released_at)
        released[event_id] = sessions_of_site
    return released
