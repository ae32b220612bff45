"""Paper tallies that would replace a note taker's results: what they would change, and the
file waiting for the organiser's confirmation.

An upload that would replace results a note taker submitted writes nothing at first; the page
lists what would change and the organiser confirms. The confirmation names the file and the
revisions shown, so that results changed meanwhile are shown again rather than replaced."""

import hashlib

from django.core.cache import cache

from results.models import NoteRevision
from sessions_app.models import Event, Session

# A file that would replace note takers' results waits this long for the organiser's confirmation.
PAPER_PENDING_SECONDS = 30 * 60


def _by_a_note_taker(revision: NoteRevision) -> bool:
    """Submitted from the group's notes form by a person of the event (its note taker, or a
    participant asked to take the notes), not by an organiser's upload."""
    return revision.submitted_by_id is not None


def paper_replacements(*, session: Session, submissions) -> list[dict]:
    """The groups whose latest results, submitted by a note taker, the file would change:
    ``{"group", "revision", "by", "at", "questions"}`` (the question codes that change)."""
    groups = {group.pk: (group, clean) for group, clean in submissions}
    latest: dict[int, NoteRevision] = {}
    revisions = NoteRevision.objects.filter(submission__session=session, submission__group__in=list(groups))
    for revision in revisions.select_related("submission", "submitted_by", "submitted_by_user"):
        current = latest.get(revision.submission.group_id)
        if current is None or revision.number > current.number:
            latest[revision.submission.group_id] = revision
    out = []
    for group_pk, revision in sorted(latest.items(), key=lambda item: groups[item[0]][0].number):
        group, clean = groups[group_pk]
        if revision.data == clean or not _by_a_note_taker(revision):
            continue
        old = (revision.data or {}).get("answers", {}) if isinstance(revision.data, dict) else {}
        new = clean.get("answers", {})
        changed = sorted(code for code in set(old) | set(new) if old.get(code) != new.get(code))
        by = str(revision.submitted_by)
        out.append(
            {"group": group, "revision": revision.number, "by": by, "at": revision.created_at, "questions": changed}
        )
    return out


def paper_confirmation(*, digest: str, replacing: list[dict]) -> str:
    """The confirmation of a file (its SHA-256) replacing these revisions (see paper_replacements)."""
    shown = ",".join(f"{item['group'].pk}.{item['revision']}" for item in replacing)
    return hashlib.sha256(f"{digest}:{shown}".encode()).hexdigest()


def _pending_key(event: Event, user, confirmation: str) -> str:
    return f"paper-upload:{event.pk}:{user.pk}:{confirmation}"


def paper_upload_hold(*, event: Event, user, confirmation: str, filename: str, data: bytes) -> None:
    """Keep the file (PAPER_PENDING_SECONDS) until the organiser who sent it confirms."""
    cache.set(_pending_key(event, user, confirmation), (filename, data), PAPER_PENDING_SECONDS)


def paper_upload_take(*, event: Event, user, confirmation: str) -> tuple[str, bytes] | None:
    """The file held for this confirmation, ``(filename, data)``, once; None when it waited too long."""
    pending = cache.get(_pending_key(event, user, confirmation))
    if pending is not None:
        cache.delete(_pending_key(event, user, confirmation))
    return pending
