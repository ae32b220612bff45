"""The global results as pages show them: scopes side by side, bars, suppression, sites.

Pure functions of a global snapshot (``dialogues.results``), which the pages' templates render
(the figures are drawn by the server only: the pages fetch them again and swap them in). The
cached copies of the public page, its ETag and its open data are kept by ``dialogues.results_cache``.
"""

import datetime as dt

from django.utils.translation import get_language

from dialogues.models import Dialogue, DialogueVersion
from dialogues.open_data import suppression_text, weighting_text
from dialogues.results import GLOBAL, scope_label
from infrastructure.languages import pick_translation


def wording(questionnaire: dict | None, language: str | None) -> dict[str, str]:
    """The questionnaire's translations into ``language`` (e.g. "pt-br", then "pt"), by code:
    ``{"s|session": title, "q|session|question": text, "o|session|question|option": label}``.
    Only translated texts are listed; the snapshot's original wording is the fallback."""
    if not questionnaire or not language:
        return {}

    words = {}
    for session in questionnaire.get("sessions", []):
        found = pick_translation(session.get("translations"), language, "title")
        if found:
            words[f"s|{session['code']}"] = found
        for question in session.get("questions", []):
            prefix = f"{session['code']}|{question['code']}"
            found = pick_translation(question.get("translations"), language, "text")
            if found:
                words[f"q|{prefix}"] = found
            for option in question.get("options", []):
                found = pick_translation(option.get("translations"), language, "label")
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
