"""The global results as pages show them: scopes side by side, bars, suppression, sites.

Pure functions of a global snapshot (``dialogues.results``), which the pages' templates render
(the figures are drawn by the server only: the pages fetch them again and swap them in); plus
the public page's cached HTML.
"""

import datetime as dt
import hashlib
import json
import time

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from dialogues.models import Dialogue, DialogueVersion
from dialogues.open_data import COLUMNS, open_data_csv, open_data_rows, suppression_text, weighting_text
from dialogues.results import GLOBAL, cached_global_snapshot, scope_label

# The public page's HTML is rebuilt at most this often (the snapshot itself is at most
# ``results.FRESH_SECONDS`` old): figures are never more than a few seconds behind.
PUBLIC_PAGE_SECONDS = 1.0
SCOPE_MAX_CHARS = 200
FIRST_COPY_WAIT = 5.0  # seconds a request waits for another one building the first copy
LOCAL_MAX_ENTRIES = 512
# This process's copies: {key: (time built or read, value)}
_PUBLIC_PAGES: dict[str, tuple[float, str]] = {}
_PUBLIC_DIALOGUES: dict[str, tuple[float, Dialogue | None]] = {}


def wording(questionnaire: dict | None, language: str | None) -> dict[str, str]:
    """The questionnaire's translations into ``language`` (e.g. "pt-br", then "pt"), by code:
    ``{"s|session": title, "q|session|question": text, "o|session|question|option": label}``.
    Only translated texts are listed; the snapshot's original wording is the fallback."""
    if not questionnaire or not language:
        return {}
    language = language.lower()
    codes = (language, language.split("-")[0])

    def pick(translations, field):
        for code in codes:
            text = ((translations or {}).get(code) or {}).get(field)
            if text:
                return text
        return None

    words = {}
    for session in questionnaire.get("sessions", []):
        found = pick(session.get("translations"), "title")
        if found:
            words[f"s|{session['code']}"] = found
        for question in session.get("questions", []):
            prefix = f"{session['code']}|{question['code']}"
            found = pick(question.get("translations"), "text")
            if found:
                words[f"q|{prefix}"] = found
            for option in question.get("options", []):
                found = pick(option.get("translations"), "label")
                if found:
                    words[f"o|{prefix}|{option['code']}"] = found
    return words


def version_wording(dialogue: Dialogue, snapshot: dict, language: str | None = None) -> dict[str, str]:
    """``wording`` for the version the snapshot follows, in the page's language."""
    if snapshot.get("version") is None:
        return {}
    questionnaire = (
        DialogueVersion.objects.filter(dialogue=dialogue, number=snapshot["version"])
        .values_list("questionnaire", flat=True)
        .first()
    )
    return wording(questionnaire, language or get_language())


def scope_choices(snapshot: dict) -> list[dict]:
    """The snapshot's scopes, labelled in the page's language (the cached labels may not be)."""
    return [{**scope, "label": scope_label(scope["key"])} for scope in snapshot["scopes"]]


def chosen_scopes(snapshot: dict, scope: str | None, compare: str | None) -> list[str]:
    """The scope asked for (else the world) and, when different, the one to compare it with."""
    known = {s["key"] for s in snapshot["scopes"]}
    first = scope if scope in known else GLOBAL
    chosen = [first]
    if compare and compare in known and compare != first:
        chosen.append(compare)
    return chosen


def _width(percent) -> str:
    """A CSS width that the page's language cannot turn into "45,5%"."""
    return f"{max(0.0, min(100.0, float(percent or 0))):.1f}%"


def _units(question: dict) -> str:
    return "groups" if question["respondent"] == "group" or question["kind"] == "ranking" else "people"


def results_display(snapshot: dict, scopes: list[str], words: dict[str, str] | None = None) -> list[dict]:
    """Sessions and questions with one column per chosen scope and one row of bars per option.

    A suppressed figure gives ``suppressed`` and nothing else: no N, no count, no percent."""
    words = words or {}
    labels = {s["key"]: scope_label(s["key"]) for s in snapshot["scopes"]}
    sessions = []
    for session in snapshot["sessions"]:
        questions = []
        for question in session["questions"]:
            prefix = f"{session['code']}|{question['code']}"
            columns = []
            for position, key in enumerate(scopes):
                figures = question["figures"].get(key) or {"suppressed": True, "sites": 0}
                column = {"key": key, "label": labels.get(key, key), "position": position}
                if figures.get("suppressed"):
                    # No site answered at all: saying so gives nothing away.
                    column.update(suppressed=True, unanswered=not figures.get("sites"))
                else:
                    column.update(
                        suppressed=False,
                        n=figures["n"],
                        groups=figures["groups"],
                        sites=figures["sites"],
                        mean=figures.get("mean"),
                    )
                columns.append(column)
            options = []
            for index, option in enumerate(question["options"]):
                cells = []
                for column in columns:
                    # The bar's colour, and its scope said to screen readers when scopes are compared.
                    bar = {
                        "kind": f"s{column['position']}",
                        "reader_scope": column["label"] if len(columns) > 1 else "",
                        "position": column["position"],
                        "scope": column["label"],
                    }
                    if column["suppressed"]:
                        cells.append({"suppressed": True, **bar})
                        continue
                    figures = question["figures"][column["key"]]
                    percent = figures["percent"][index]
                    cells.append(
                        {
                            "suppressed": False,
                            "percent": percent,
                            "count": figures["count"][index],
                            "width": _width(percent),
                            **bar,
                        }
                    )
                options.append(
                    {
                        "code": option["code"],
                        "label": words.get(f"o|{prefix}|{option['code']}", option["label"]),
                        "cells": cells,
                    }
                )
            questions.append(
                {
                    "code": question["code"],
                    "text": words.get(f"q|{prefix}", question["text"]),
                    "kind": question["kind"],
                    "measure": question["measure"],
                    "units": _units(question),
                    "columns": columns,
                    "options": options,
                    "all_suppressed": all(column["suppressed"] for column in columns),
                }
            )
        sessions.append(
            {
                "code": session["code"],
                "title": words.get(f"s|{session['code']}", session["title"]),
                "questions": questions,
            }
        )
    return sessions


def generated_at(snapshot: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(snapshot["generated_at"])


def page_context(dialogue: Dialogue, snapshot: dict, scopes: list[str], words: dict[str, str]) -> dict:
    """What both results pages show around the figures: weighting, threshold, time, sites."""
    name, explained = weighting_text(snapshot["weighting"])
    return {
        "dialogue": dialogue,
        "snapshot": snapshot,
        "scopes": scope_choices(snapshot),
        "chosen": scopes,
        "sessions": results_display(snapshot, scopes, words),
        "weighting_name": name,
        "weighting_explained": explained,
        "suppression": suppression_text(snapshot["min_respondents"], public=bool(snapshot.get("public"))),
        "generated_at": generated_at(snapshot),
        "sites": [
            {**site, "last": dt.datetime.fromisoformat(site["last_submission"]) if site["last_submission"] else None}
            for site in snapshot["sites"]
        ],
    }


def _build_public_html(dialogue: Dialogue, scope: str, language: str) -> str | None:
    snapshot = cached_global_snapshot(dialogue, public=True)
    if scope != GLOBAL and scope not in {s["key"] for s in snapshot["scopes"]}:
        return None
    words = version_wording(dialogue, snapshot, language)
    return render_to_string("dialogues/public_figures.html", page_context(dialogue, snapshot, [scope], words))


def _local_get(store: dict, key, seconds: float):
    found = store.get(key)
    if found is not None and time.time() - found[0] < seconds:
        return found
    return None


def _local_set(store: dict, key, value) -> None:
    if len(store) >= LOCAL_MAX_ENTRIES:  # many scopes x languages: start again rather than grow
        store.clear()
    store[key] = value


def forget_local_copies() -> None:
    """Drop this process's copies (tests; a change that must show at once)."""
    _PUBLIC_PAGES.clear()
    _PUBLIC_DIALOGUES.clear()
    _OPEN_DATA.clear()
    _ETAGS.clear()


# This process's last ETag of each dialogue's snapshot: {dialogue id: (snapshot time, ETag)}.
_ETAGS: dict[int, tuple[str, str]] = {}


def snapshot_etag(dialogue: Dialogue, snapshot: dict) -> str:
    """Changes with the figures, sites and scopes, not with the time of the rebuild; worked out
    once per snapshot, not once per poll."""
    found = _ETAGS.get(dialogue.pk)
    if found is not None and found[0] == snapshot["generated_at"]:
        return found[1]
    content = {key: value for key, value in snapshot.items() if key != "generated_at"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    _ETAGS[dialogue.pk] = (snapshot["generated_at"], etag)
    return etag


def figures_etag(snapshot_tag: str, scopes: list[str], language: str | None) -> str:
    """The live parts' ETag: the snapshot's, for these scopes in this language."""
    key = json.dumps([snapshot_tag, scopes, language or ""])
    return f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'


def public_dialogue_get(slug: str) -> Dialogue | None:
    """The public dialogue of that slug, or None; kept in this process for PUBLIC_PAGE_SECONDS,
    so that a crowd of readers does not ask the database the same question each time."""
    found = _local_get(_PUBLIC_DIALOGUES, slug, PUBLIC_PAGE_SECONDS)
    if found is None:
        found = (time.time(), Dialogue.objects.filter(slug=slug, public=True).first())
        _local_set(_PUBLIC_DIALOGUES, slug, found)
    return found[1]


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
    local = _local_get(_PUBLIC_PAGES, key, PUBLIC_PAGE_SECONDS)
    if local is not None:
        return local[1]
    lock = f"{key}:building"
    stored = cache.get(key)
    if stored is not None and time.time() - stored[0] < PUBLIC_PAGE_SECONDS:
        _local_set(_PUBLIC_PAGES, key, stored)
        return stored[1]
    if not cache.add(lock, 1, timeout=10):
        if stored is not None:
            return stored[1]
        deadline = time.monotonic() + FIRST_COPY_WAIT
        while time.monotonic() < deadline:
            time.sleep(0.05)
            stored = cache.get(key)
            if stored is not None:
                return stored[1]
        return _build_public_html(dialogue, scope, language)  # the builder is stuck: do it here
    try:
        html = _build_public_html(dialogue, scope, language)
        if html is not None:
            built = (time.time(), html)
            cache.set(key, built, timeout=3600)
            _local_set(_PUBLIC_PAGES, key, built)
    finally:
        cache.delete(lock)
    return html


# This process's last open data files: {(dialogue id, kind): (snapshot time, content)}. The files
# are large (every option x scope): made once per snapshot, not once per download.
_OPEN_DATA: dict[tuple[int, str], tuple[str, str]] = {}


def open_data_file(dialogue: Dialogue, kind: str) -> str:
    """The public open data as CSV (``kind`` "csv") or JSON text, from the cached public snapshot."""
    snapshot = cached_global_snapshot(dialogue, public=True)
    found = _OPEN_DATA.get((dialogue.pk, kind))
    if found is not None and found[0] == snapshot["generated_at"]:
        return found[1]
    rows = open_data_rows(snapshot)
    if kind == "csv":
        content = open_data_csv(rows)
    else:
        payload = {
            "dialogue": snapshot["dialogue"],
            "version": snapshot["version"],
            "generated_at": snapshot["generated_at"],
            "columns": COLUMNS,
            "rows": rows,
        }
        content = json.dumps(payload, ensure_ascii=False)
    _OPEN_DATA[(dialogue.pk, kind)] = (snapshot["generated_at"], content)
    return content
