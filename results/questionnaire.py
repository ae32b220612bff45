"""Questionnaires as JSON: export sessions with their questions and options, import them into an event.

Document (format version 1)::

    {"format": "wetheinternet.questionnaire", "version": 1,
     "sessions": [{"code": "digital-public-sphere", "order": 1, "title": "...", "material": "",
                   "material_url": "",
                   "questions": [{"code": "q1", "order": 1, "kind": "single", "respondent": "individual",
                                  "text": "...", "help_text": "", "max_choices": null,
                                  "options": [{"code": "opportunity", "order": 1, "label": "..."}]}]}]}

Codes are the stable keys that results are compared on, so the import keeps them as they are.
Each session keeps its order when that is free in the event, otherwise it goes after the others.
"""

import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from infrastructure.cleaning import JsonRefused, json_problems, safe_json_loads, text_problem
from infrastructure.weblinks import web_address
from results.answers import FieldError
from sessions_app.models import Event, Option, Question, Session

FORMAT = "wetheinternet.questionnaire"
VERSION = 1
MAX_BYTES = 2 * 1024 * 1024
SCALE_CODES = ["1", "2", "3", "4", "5"]
_SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def questionnaire_export(sessions) -> dict:
    """The JSON document for these sessions (a Session queryset or list), in their order."""
    sessions = sorted(sessions, key=lambda s: (s.event_id, s.order))
    questions = Question.objects.filter(session__in=sessions).order_by("order").prefetch_related("options")
    by_session: dict[int, list[Question]] = {}
    for question in questions:
        by_session.setdefault(question.session_id, []).append(question)
    return {
        "format": FORMAT,
        "version": VERSION,
        "sessions": [
            {
                "code": session.code,
                "order": session.order,
                "title": session.title,
                "material": session.material,
                "material_url": session.material_url,
                "questions": [
                    {
                        "code": question.code,
                        "order": question.order,
                        "kind": question.kind,
                        "respondent": question.respondent,
                        "text": question.text,
                        "help_text": question.help_text,
                        "max_choices": question.max_choices,
                        "options": [
                            {"code": option.code, "order": option.order, "label": option.label}
                            for option in sorted(question.options.all(), key=lambda o: o.order)
                        ],
                    }
                    for question in by_session.get(session.pk, [])
                ],
            }
            for session in sessions
        ],
    }


def questionnaire_export_json(sessions) -> str:
    return json.dumps(questionnaire_export(sessions), ensure_ascii=False, indent=2)


@dataclass
class QuestionnaireImportResult:
    sessions: list[Session] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Checker:
    """Collects field-addressed errors while reading the document."""

    def __init__(self):
        self.errors: list[FieldError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def obj(self, value, path: str, allowed: list[str], required: list[str]) -> bool:
        if not isinstance(value, dict):
            self.error(path, _("must be an object."))
            return False
        for key in value:
            if key not in allowed:
                self.error(_join(path, key), _("unknown field; expected %(fields)s.") % {"fields": ", ".join(allowed)})
        for key in required:
            if key not in value:
                self.error(_join(path, key), _("this field is required."))
        return True

    def text(self, value, path: str, *, max_length: int | None = None, required: bool = False) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.error(path, _("must be text."))
            return ""
        if problem := text_problem(value):
            self.error(path, problem)
            return ""
        if required and not value.strip():
            self.error(path, _("must not be empty."))
        if max_length is not None and len(value) > max_length:
            self.error(path, _("at most %(max)s characters.") % {"max": max_length})
        return value

    def code(self, value, path: str) -> str:
        if not isinstance(value, str) or not value:
            self.error(path, _("must be a code (letters, digits, - and _)."))
            return ""
        if not set(value) <= _SLUG_CHARS or len(value) > 50:
            self.error(path, _("“%(value)s” is not a code (letters, digits, - and _).") % {"value": value})
        return value

    def order(self, value, path: str, default: int) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
            self.error(path, _("must be a whole number from 0 to 32767."))
            return default
        return value


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def _parse(data) -> tuple[object, list[FieldError]]:
    if isinstance(data, bytes | str):
        if len(data) > MAX_BYTES:
            return None, [FieldError("", _("The file is larger than 2 MB."))]
        try:
            return safe_json_loads(data), []
        except JsonRefused as refused:
            return None, [FieldError(field, message) for field, message in refused.problems]
    problems = json_problems(data)
    return (None, [FieldError(field, message) for field, message in problems]) if problems else (data, [])


def _read_document(document, event: Event, check: _Checker) -> list[dict]:
    """The sessions to create as plain dicts; problems go to ``check``."""
    if not check.obj(document, "", ["format", "version", "sessions"], ["format", "version", "sessions"]):
        return []
    if "format" in document and document["format"] != FORMAT:
        check.error("format", _("must be “%(format)s”.") % {"format": FORMAT})
    if "version" in document and document["version"] != VERSION:
        check.error(
            "version",
            _("version %(version)s is not supported; expected %(expected)s.")
            % {"version": document["version"], "expected": VERSION},
        )
    sessions = document.get("sessions")
    if "sessions" in document and (not isinstance(sessions, list) or not sessions):
        check.error("sessions", _("must be a non-empty list."))
    if not isinstance(sessions, list):
        return []
    existing = set(Session.objects.filter(event=event).values_list("code", flat=True))
    seen_sessions: dict[str, int] = {}
    parsed = []
    for s_index, raw in enumerate(sessions):
        path = f"sessions[{s_index}]"
        allowed = ["code", "order", "title", "material", "material_url", "questions"]
        if not check.obj(raw, path, allowed, ["code", "title", "questions"]):
            continue
        code = check.code(raw.get("code"), f"{path}.code") if "code" in raw else ""
        if code in existing:
            check.error(f"{path}.code", _("this event already has a session “%(code)s”.") % {"code": code})
        elif code and code in seen_sessions:
            check.error(
                f"{path}.code",
                _("“%(code)s” is also sessions[%(other)s].") % {"code": code, "other": seen_sessions[code]},
            )
        seen_sessions.setdefault(code, s_index)
        session = {
            "code": code,
            "order": check.order(raw.get("order"), f"{path}.order", s_index + 1),
            "title": check.text(raw.get("title"), f"{path}.title", max_length=200, required="title" in raw),
            "material": check.text(raw.get("material"), f"{path}.material"),
            "material_url": check.text(raw.get("material_url"), f"{path}.material_url", max_length=200),
            "questions": [],
        }
        if session["material_url"]:
            try:
                web_address(session["material_url"])
            except ValidationError:
                check.error(f"{path}.material_url", _("must be a web address (http:// or https://)."))
        questions = raw.get("questions")
        if "questions" in raw and not isinstance(questions, list):
            check.error(f"{path}.questions", _("must be a list."))
        elif isinstance(questions, list):
            session["questions"] = _read_questions(questions, f"{path}.questions", check)
        parsed.append(session)
    return parsed


def _read_questions(questions: list, path: str, check: _Checker) -> list[dict]:
    kinds, respondents = Question.Kind.values, Question.Respondent.values
    seen_codes: dict[str, int] = {}
    seen_orders: dict[int, int] = {}
    parsed = []
    for q_index, raw in enumerate(questions):
        where = f"{path}[{q_index}]"
        allowed = ["code", "order", "kind", "respondent", "text", "help_text", "max_choices", "options"]
        if not check.obj(raw, where, allowed, ["code", "kind", "text"]):
            continue
        code = check.code(raw.get("code"), f"{where}.code") if "code" in raw else ""
        if code and code in seen_codes:
            check.error(
                f"{where}.code",
                _("duplicate question code “%(code)s” (also at index %(other)s).")
                % {"code": code, "other": seen_codes[code]},
            )
        seen_codes.setdefault(code, q_index)
        order = check.order(raw.get("order"), f"{where}.order", q_index + 1)
        if order in seen_orders:
            check.error(f"{where}.order", _("the same order as question %(other)s.") % {"other": seen_orders[order]})
        seen_orders.setdefault(order, q_index)
        kind = raw.get("kind")
        if "kind" in raw and kind not in kinds:
            check.error(
                f"{where}.kind",
                _("unknown kind “%(kind)s”; use one of %(kinds)s.") % {"kind": kind, "kinds": ", ".join(kinds)},
            )
        respondent = raw.get("respondent", Question.Respondent.INDIVIDUAL)
        if respondent not in respondents:
            check.error(f"{where}.respondent", _("use one of %(values)s.") % {"values": ", ".join(respondents)})
        raw_options = raw.get("options", [])
        options = []
        if not isinstance(raw_options, list):
            check.error(f"{where}.options", _("must be a list."))
        else:
            options = _read_options(raw_options, f"{where}.options", check)
        max_choices = raw.get("max_choices")
        if kind == Question.Kind.MULTIPLE:
            if isinstance(max_choices, bool) or not isinstance(max_choices, int) or max_choices < 1:
                check.error(f"{where}.max_choices", _("a multiple-choice question needs a whole number from 1."))
            elif options and max_choices > len(options):
                check.error(f"{where}.max_choices", _("more than the %(n)s options.") % {"n": len(options)})
        elif max_choices is not None:
            check.error(f"{where}.max_choices", _("only multiple-choice questions have a maximum."))
        if kind == Question.Kind.OPEN and options:
            check.error(f"{where}.options", _("an open question has no options."))
        elif kind == Question.Kind.SCALE and options and [o["code"] for o in options] != SCALE_CODES:
            check.error(f"{where}.options", _("a scale has the options 1 to 5, in order."))
        elif kind in kinds and kind != Question.Kind.OPEN and isinstance(raw_options, list) and len(options) < 2:
            check.error(f"{where}.options", _("at least 2 options."))
        parsed.append(
            {
                "code": code,
                "order": order,
                "kind": kind,
                "respondent": respondent,
                "text": check.text(raw.get("text"), f"{where}.text", required="text" in raw),
                "help_text": check.text(raw.get("help_text"), f"{where}.help_text"),
                "max_choices": max_choices if kind == Question.Kind.MULTIPLE else None,
                "options": options,
            }
        )
    return parsed


def _read_options(options: list, path: str, check: _Checker) -> list[dict]:
    seen_codes: dict[str, int] = {}
    seen_orders: dict[int, int] = {}
    parsed = []
    for o_index, raw in enumerate(options):
        where = f"{path}[{o_index}]"
        if not check.obj(raw, where, ["code", "order", "label"], ["code", "label"]):
            continue
        code = check.code(raw.get("code"), f"{where}.code") if "code" in raw else ""
        if code and code in seen_codes:
            check.error(
                f"{where}.code",
                _("duplicate option code “%(code)s” (also at index %(other)s).")
                % {"code": code, "other": seen_codes[code]},
            )
        seen_codes.setdefault(code, o_index)
        order = check.order(raw.get("order"), f"{where}.order", o_index + 1)
        if order in seen_orders:
            check.error(f"{where}.order", _("the same order as option %(other)s.") % {"other": seen_orders[order]})
        seen_orders.setdefault(order, o_index)
        label = check.text(raw.get("label"), f"{where}.label", max_length=300, required="label" in raw)
        parsed.append({"code": code, "order": order, "label": label})
    return parsed


def questionnaire_import(*, event: Event, data) -> QuestionnaireImportResult:
    """Create the document's sessions, questions and options in ``event``; all or nothing.

    ``data`` is the JSON text (bytes or str) or the already parsed document. Every problem is
    reported with its path, e.g. ``sessions[0].questions[2].kind``.
    """
    result = QuestionnaireImportResult()
    document, result.errors = _parse(data)
    if result.errors:
        return result
    check = _Checker()
    sessions = _read_document(document, event, check)
    if check.errors:
        result.errors = check.errors
        return result
    with transaction.atomic():
        # Lock the event so that two imports at once cannot take the same session order.
        Event.objects.select_for_update().filter(pk=event.pk).first()
        codes = set(Session.objects.filter(event=event).values_list("code", flat=True))
        for index, parsed in enumerate(sessions):
            if parsed["code"] in codes:  # created by someone else since the check above
                result.errors.append(
                    FieldError(f"sessions[{index}].code", _("this event already has a session “%(code)s”.") % parsed)
                )
        if result.errors:
            return result
        taken = set(Session.objects.filter(event=event).values_list("order", flat=True))
        next_order = max(taken, default=0) + 1
        for parsed in sorted(sessions, key=lambda s: s["order"]):
            order = parsed["order"]
            if order in taken:
                order = next_order
            taken.add(order)
            next_order = max(taken) + 1
            session = Session.objects.create(
                event=event,
                order=order,
                code=parsed["code"],
                title=parsed["title"],
                material=parsed["material"],
                material_url=parsed["material_url"],
            )
            for q in parsed["questions"]:
                question = Question.objects.create(
                    session=session,
                    order=q["order"],
                    code=q["code"],
                    kind=q["kind"],
                    respondent=q["respondent"],
                    text=q["text"],
                    help_text=q["help_text"],
                    max_choices=q["max_choices"],
                )
                Option.objects.bulk_create(
                    Option(question=question, order=o["order"], code=o["code"], label=o["label"]) for o in q["options"]
                )
            result.sessions.append(session)
    return result
