"""Importing the citizens' reference results from CSV: any bad row refuses the whole file."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from infrastructure.sheet_import import ImportError_, ImportResult, csv_rows, csv_table, upload_sheet
from results.models import ReferenceDataset, ReferenceResult
from sessions_app.models import Option

REQUIRED_COLUMNS = ["question_code", "option_code", "scope", "n"]
COLUMNS = ["question_code", "option_code", "scope", "scope_name", "count", "percent", "n"]
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
# When a row gives both, they must agree within rounding (in percentage points).
PERCENT_TOLERANCE = Decimal("0.5")


def reference_template_rows(*, event) -> list[list[str]]:
    """A row per question and option of the event's questionnaire, global scope, to fill in."""
    options = Option.objects.filter(question__session__event=event).select_related("question__session")
    options = options.order_by("question__session__order", "question__order", "order")
    return [[option.question.code, option.code, "global", "", "", "", ""] for option in options]


def _whole(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def _percent(text: str) -> Decimal | None:
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as French, German or Spanish spreadsheets write it
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def reference_import_csv(
    *, dataset: ReferenceDataset, data: bytes, replace: bool = False, filename: str = ""
) -> ImportResult:
    """Import reference results into a dataset; a file with any bad row is refused whole.

    Columns: question_code, option_code, scope (global, continent, country), scope_name (empty
    for global, required otherwise), count and/or percent (at least one), n (respondents, or
    groups for a group question). Percentages are rounded to 2 decimals. With ``replace`` the
    dataset's current results are deleted first (in the same transaction); without it a row
    already in the dataset is an error.
    """
    result = ImportResult()
    reader = upload_sheet(data, result, filename=filename)
    if reader is None:
        return result
    reader = csv_table(reader, result, columns=COLUMNS, required=REQUIRED_COLUMNS, one_of=["count", "percent"])
    if reader is None:
        return result

    existing = set()
    if not replace:
        existing = {
            (q, o, s, name.casefold())
            for q, o, s, name in dataset.results.values_list("question_code", "option_code", "scope", "scope_name")
        }
    scopes = set(ReferenceResult.Scope.values)
    seen: dict[tuple, int] = {}
    n_by_question_scope: dict[tuple, tuple[int, int]] = {}
    rows: list[ReferenceResult] = []
    for line, values in csv_rows(reader, result):
        errors_before = len(result.errors)

        def error(column: str, message: str, line=line) -> None:
            result.errors.append(ImportError_(line, column, message))

        codes = {}
        for column in ("question_code", "option_code"):
            value = values.get(column, "")
            if not value:
                error(column, _("a code is required."))
            elif not SLUG_RE.match(value) or len(value) > 50:
                error(column, _("“%(value)s” is not a code (letters, digits, - and _).") % {"value": value})
            codes[column] = value
        scope = values.get("scope", "").lower()
        scope_name = " ".join(values.get("scope_name", "").split())
        if scope not in scopes:
            error(
                "scope",
                _("“%(value)s” is not a scope; use one of %(scopes)s.")
                % {"value": values.get("scope", ""), "scopes": ", ".join(ReferenceResult.Scope.values)},
            )
        elif scope == ReferenceResult.Scope.GLOBAL and scope_name:
            error("scope_name", _("must be empty for the global scope."))
        elif scope != ReferenceResult.Scope.GLOBAL and not scope_name:
            error("scope_name", _("the name of the %(scope)s is required.") % {"scope": scope})
        if len(scope_name) > 100:
            error("scope_name", _("at most 100 characters."))

        n_text = values.get("n", "")
        n = _whole(n_text)
        if not n_text:
            error("n", _("N, the number of answers, is required."))
        elif n is None or n == 0:
            error("n", _("“%(value)s” is not a whole number above 0.") % {"value": n_text})
        count_text, percent_text = values.get("count", ""), values.get("percent", "")
        count = percent = None
        if not count_text and not percent_text:
            error("count", _("give a count or a percent (or both)."))
        if count_text:
            count = _whole(count_text)
            if count is None:
                error("count", _("“%(value)s” is not a whole number >= 0.") % {"value": count_text})
            elif n and count > n:
                error("count", _("%(count)s is more than N (%(n)s).") % {"count": count, "n": n})
        if percent_text:
            percent = _percent(percent_text)
            if percent is None:
                error("percent", _("“%(value)s” is not a number such as 42.5.") % {"value": percent_text})
            elif not 0 <= percent <= 100:
                error("percent", _("%(value)s is outside 0 to 100.") % {"value": percent_text})
            else:
                percent = percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                if count is not None and n and count <= n:
                    expected = Decimal(100 * count) / n
                    if abs(expected - percent) > PERCENT_TOLERANCE:
                        error(
                            "percent",
                            _("%(percent)s does not match the count: %(count)s of %(n)s is %(expected)s.")
                            % {"percent": percent_text, "count": count, "n": n, "expected": f"{expected:.1f}"},
                        )
        if len(result.errors) != errors_before:
            continue

        key = (codes["question_code"], codes["option_code"], scope, scope_name.casefold())
        if key in seen:
            error("", _("the same question, option and scope as line %(other)s.") % {"other": seen[key]})
            continue
        seen[key] = line
        if key in existing:
            error("", _("this question, option and scope are already in the dataset."))
            continue
        # One question in one place has one N (respondents, or groups), whatever the option.
        question_scope = (codes["question_code"], scope, scope_name.casefold())
        first_n, first_line_n = n_by_question_scope.setdefault(question_scope, (n, line))
        if first_n != n:
            error(
                "n",
                _("%(n)s differs from N %(first)s on line %(other)s.")
                % {"n": n, "first": first_n, "other": first_line_n},
            )
            continue
        rows.append(
            ReferenceResult(
                dataset=dataset,
                question_code=codes["question_code"],
                option_code=codes["option_code"],
                scope=scope,
                scope_name=scope_name,
                count=count,
                percent=percent,
                n=n,
            )
        )
    if not rows and not result.errors:
        result.errors.append(ImportError_(0, "", _("The file has a header but no results.")))
    if result.errors:
        return result
    with transaction.atomic():
        if replace:
            dataset.results.all().delete()
        ReferenceResult.objects.bulk_create(rows)
    result.created = len(rows)
    return result
