"""The cached readings of the global results that crowds ask for: the public dialogue by its
slug, the public page's figures as HTML, the snapshot's ETag and the open data files.

All of them come from the cached snapshot (``dialogues.results.cached_global_snapshot``) and are
kept with ``infrastructure.caching``: in the shared cache for a second, or in this process for
as long as the snapshot they were made from."""

import hashlib
import json

from django.template.loader import render_to_string
from django.utils.translation import get_language

from dialogues.models import Dialogue
from dialogues.open_data import COLUMNS, open_data_csv, open_data_rows
from dialogues.results import GLOBAL, cached_global_snapshot
from dialogues.results_display import page_context, version_wording
from infrastructure.caching import LocalMemo, cached_fresh

# The public page's HTML is rebuilt at most this often (the snapshot itself is at most
# ``results.FRESH_SECONDS`` old): figures are never more than a few seconds behind.
PUBLIC_PAGE_SECONDS = 1.0
SCOPE_MAX_CHARS = 200
FIRST_COPY_WAIT = 5.0  # seconds a request waits for another one building the first copy
LOCAL_MAX_ENTRIES = 512

# This process's copies.
_public_pages = LocalMemo("dialogues: public page HTML", max_entries=LOCAL_MAX_ENTRIES)
_public_dialogues = LocalMemo("dialogues: public dialogue by slug", max_entries=LOCAL_MAX_ENTRIES)
# The last ETag of each dialogue's snapshot, by dialogue id.
_etags = LocalMemo("dialogues: snapshot ETags")
# The last open data files, by (dialogue id, kind). The files are large (every option x scope):
# made once per snapshot, not once per download.
_open_data = LocalMemo("dialogues: open data files")


def snapshot_etag(dialogue: Dialogue, snapshot: dict) -> str:
    """Changes with the figures, sites and scopes, not with the time of the rebuild; worked out
    once per snapshot, not once per poll."""

    def compute() -> str:
        content = {key: value for key, value in snapshot.items() if key != "generated_at"}
        digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]
        return f'"{digest}"'

    return _etags.get_or_compute(dialogue.pk, compute, version=snapshot["generated_at"])


def figures_etag(snapshot_tag: str, scopes: list[str], language: str | None) -> str:
    """The live parts' ETag: the snapshot's, for these scopes in this language."""
    key = json.dumps([snapshot_tag, scopes, language or ""])
    return f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def public_dialogue_get(slug: str) -> Dialogue | None:
    """The public dialogue of that slug, or None; kept in this process for PUBLIC_PAGE_SECONDS,
    so that a crowd of readers does not ask the database the same question each time."""
    return _public_dialogues.get_or_compute(
        slug, lambda: Dialogue.objects.filter(slug=slug, public=True).first(), max_age=PUBLIC_PAGE_SECONDS
    )


def _build_public_html(dialogue: Dialogue, scope: str, language: str) -> str | None:
    snapshot = cached_global_snapshot(dialogue, public=True)
    if scope != GLOBAL and scope not in {s["key"] for s in snapshot["scopes"]}:
        return None
    words = version_wording(dialogue, snapshot, language)
    return render_to_string("dialogues/public_figures.html", page_context(dialogue, snapshot, [scope], words))


def public_page_html(dialogue: Dialogue, scope: str | None) -> str | None:
    """The public page's figures (title to sites) as HTML, for the page's language; None when the
    scope is not one of the public snapshot's.

    Rebuilt at most every PUBLIC_PAGE_SECONDS by one request at a time and kept in the shared
    cache; the others are served the previous copy meanwhile (or, before the first copy, wait
    for it a little). Each process also keeps the copy it read until it is PUBLIC_PAGE_SECONDS
    old, so that a crowd of readers costs no cache read at all."""
    scope = (scope or GLOBAL)[:SCOPE_MAX_CHARS]
    language = get_language() or ""
    digest = hashlib.sha256(scope.encode()).hexdigest()[:24]
    key = f"dialogues:public-page:{dialogue.pk}:{language}:{digest}:{dialogue.weighting}:{dialogue.min_respondents}"
    return cached_fresh(
        key,
        lambda: _build_public_html(dialogue, scope, language),
        fresh=PUBLIC_PAGE_SECONDS,
        first_copy_wait=FIRST_COPY_WAIT,
        local=_public_pages,
    )


def open_data_file(dialogue: Dialogue, kind: str) -> str:
    """The public open data as CSV (``kind`` "csv") or JSON text, from the cached public snapshot."""
    snapshot = cached_global_snapshot(dialogue, public=True)

    def compute() -> str:
        rows = open_data_rows(snapshot)
        if kind == "csv":
            return open_data_csv(rows)
        payload = {
            "dialogue": snapshot["dialogue"],
            "version": snapshot["version"],
            "generated_at": snapshot["generated_at"],
            "columns": COLUMNS,
            "rows": rows,
        }
        return json.dumps(payload, ensure_ascii=False)

    return _open_data.get_or_compute((dialogue.pk, kind), compute, version=snapshot["generated_at"])
