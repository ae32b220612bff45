"""Clean text and safe JSON: what every text and JSON input passes before it reaches the database.

PostgreSQL refuses a NUL character in text and in ``jsonb``; a lone surrogate (half of a UTF-16
pair, e.g. ``"\\ud800"`` in JSON) cannot be encoded as UTF-8 at all; Python refuses to turn a
string of more than 4,300 digits into an integer; and deep JSON costs recursion in every reader.
So inputs are checked here first and refused with a message that says what is wrong and where,
instead of failing later with a 500 (or, worse, being stored and breaking every reader).

Imports nothing of the project: the apps build on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

# Deeper than any document the product writes (group results are 4 levels deep).
JSON_MAX_DEPTH = 20
# Longer numbers than this are refused; no figure of the product comes near it.
NUMBER_MAX_DIGITS = 30
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored (a NUL or a lone surrogate), or None when it is clean."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("contains an invisible NUL character (position %(n)s); remove it.") % {"n": found.start() + 1}
    return _("contains an invalid character (half of a surrogate pair, position %(n)s); remove it.") % {
        "n": found.start() + 1
    }


def strip_text(value: str) -> str:
    """The text without NUL characters and lone surrogates (for values that are only looked up)."""
    return _FORBIDDEN.sub("", value)


def shown(value: str) -> str:
    """The text with each NUL or lone surrogate written as its escape (``\\u0000``): safe to
    show in a message, a page or a log, which could not encode the characters themselves."""
    return _FORBIDDEN.sub(lambda found: f"\\u{ord(found.group()):04x}", value)


def _path(parent: str, key) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    key = shown(str(key))
    return f"{parent}.{key}" if parent else key


def json_problems(value, *, max_depth: int = JSON_MAX_DEPTH, path: str = "") -> list[tuple[str, str]]:
    """Every reason a parsed JSON value cannot be stored, as ``(field path, message)``.

    Refused: text (keys included) with a NUL or a lone surrogate, nesting deeper than
    ``max_depth``, numbers that are not finite or have more than NUMBER_MAX_DIGITS digits.
    Walks with an explicit stack, so that no value can exhaust the recursion limit."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[object, str, int]] = [(value, path, 1)]
    while stack and len(problems) < 50:
        item, where, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                problems.append((where, _("nested deeper than %(n)s levels.") % {"n": max_depth}))
                continue
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                child_path = _path(where, key)
                if isinstance(key, str) and (problem := text_problem(key)):
                    problems.append((child_path, _("its name %(problem)s") % {"problem": problem}))
                    continue
                stack.append((child, child_path, depth + 1))
        elif isinstance(item, str):
            if problem := text_problem(item):
                problems.append((where, problem))
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if item.bit_length() > NUMBER_MAX_DIGITS * 4:  # cheap: never formats the number
                problems.append((where, _("the number is too large.")))
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                problems.append((where, _("must be a finite number.")))
    problems.reverse()
    return problems


class JsonRefused(ValueError):
    """A JSON text that is not accepted; ``problems`` are ``(field path, message)``."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{field}: {message}" if field else message for field, message in problems))
        self.problems = problems


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > NUMBER_MAX_DIGITS:
        raise ValueError("number too long")
    return int(text)


def _parse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _depth_ok(text: str, max_depth: int) -> bool:
    """Nesting of ``[`` and ``{`` outside strings is at most ``max_depth`` (checked before parsing)."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return False
        elif char in "]}":
            depth -= 1
    return True


def safe_json_loads(raw: bytes | str, *, max_depth: int = JSON_MAX_DEPTH):
    """Parse JSON sent by someone else, or raise JsonRefused saying why.

    Refused: text that is not UTF-8 or not JSON, ``NaN``/``Infinity``, numbers of more than
    NUMBER_MAX_DIGITS digits, nesting deeper than ``max_depth``, and any text or key with a NUL
    or a lone surrogate."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonRefused([("", _("The body is not UTF-8 text."))]) from None
    if not _depth_ok(raw, max_depth):
        raise JsonRefused([("", _("The JSON is nested deeper than %(n)s levels.") % {"n": max_depth})])
    try:
        value = json.loads(raw, parse_int=_parse_int, parse_constant=_parse_constant)
    except (ValueError, RecursionError):
        raise JsonRefused([("", _("The body is not valid JSON."))]) from None
    problems = json_problems(value, max_depth=max_depth)
    if problems:
        raise JsonRefused(problems)
    return value


class StoredJSONDecoder(json.JSONDecoder):
    """Reads stored JSON that a reader can always handle (for JSONField's ``decoder``).

    A stored value that Python cannot turn into objects (a number of more than 4,300 digits,
    written before inputs were checked; nesting deep enough to exhaust the recursion limit) is
    reported as a JSONDecodeError, which makes Django's JSONField hand back the raw text. The
    readers then see text instead of an object: the validators refuse it and the page still
    answers, instead of a 500 for everyone who reads that row."""

    def decode(self, s, *args, **kwargs):
        try:
            return super().decode(s, *args, **kwargs)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError) as exc:
            raise json.JSONDecodeError(f"unreadable stored value: {type(exc).__name__}", "", 0) from None


def clean_lines(text: str) -> Iterator[tuple[int, str]]:
    """The lines of an uploaded text that contain a NUL, as ``(line number, problem)``."""
    if "\x00" not in text:
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if "\x00" in line:
            yield number, _("contains an invisible NUL character; remove it and upload the file again.")


def normalise_newlines(text: str) -> str:
    """Line endings of any spreadsheet (CR LF, LF, or the CR alone of old Mac files) as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Bodies up to this size are checked by the middleware (larger ones are refused by their views).
_CHECKED_BODY_MAX = 3 * 1024 * 1024


def _first_bad_parameter(params) -> str | None:
    for key, values in params.lists():
        if text_problem(key):
            return strip_text(key) or "?"
        for value in values:
            if isinstance(value, str) and text_problem(value):
                return strip_text(key) or "?"
    return None


class CleanParametersMiddleware:
    """Refuse, with 400 and the parameter's name, a query string or form whose names or values
    hold a NUL (``?session=%00``): no view then passes one to the database, which refuses it
    with an error. JSON bodies are checked by their views (``safe_json_loads``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = _first_bad_parameter(request.GET)
        if bad is None and request.method == "POST" and self._form_body(request):
            bad = _first_bad_parameter(request.POST)
        if bad is not None:
            return self.refused(request, bad)
        return self.get_response(request)

    @staticmethod
    def _form_body(request) -> bool:
        kind = request.content_type or ""
        if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length <= _CHECKED_BODY_MAX

    @staticmethod
    def refused(request, name: str):
        from django.http import HttpResponse, JsonResponse
        from django.template import loader

        message = _("The parameter “%(name)s” holds an invisible NUL character.") % {"name": name}
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"errors": [{"field": name, "message": message}]}, status=400)
        page = loader.render_to_string("400.html", {"message": message}, request=request)
        return HttpResponse(page, status=400)


def _form_json_field():
    from django import forms
    from django.core.exceptions import ValidationError
    from django.forms.fields import InvalidJSONInput

    class CleanJSONFormField(forms.JSONField):
        """The admin's JSON field, with the checks of ``safe_json_loads`` as a field error."""

        def to_python(self, value):
            if not self.disabled and isinstance(value, str) and value not in self.empty_values:
                try:
                    safe_json_loads(value)
                except JsonRefused as refused:
                    raise ValidationError(str(refused), code="invalid") from None
            return super().to_python(value)

        def bound_data(self, data, initial):
            if self.disabled or not isinstance(data, str):
                return super().bound_data(data, initial)
            try:
                safe_json_loads(data)
            except JsonRefused:  # what to_python refused, shown again as typed
                return InvalidJSONInput(data)
            return super().bound_data(data, initial)

    return CleanJSONFormField


CleanJSONFormField = _form_json_field()


def _clean_json_formfields() -> dict:
    from django.db import models

    return {models.JSONField: {"form_class": CleanJSONFormField}}


# ``formfield_overrides`` of an admin: its JSON fields refuse what the database cannot store.
CLEAN_JSON_FORMFIELDS = _clean_json_formfields()
