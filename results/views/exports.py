"""Exports of an event's results for its organisers: files to download and the page to print."""

import csv
import io
import re

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from groups import selectors as groups_selectors
from infrastructure.csvfiles import csv_text, safe_cell
from infrastructure.downloads import attachment
from infrastructure.spreadsheets import XLSX_CONTENT_TYPE
from results import exports, feedback, plenary_selectors, selectors
from results.figures import Weighting
from sessions_app.decorators import organiser_of_event


def _weighting(request, event) -> str:
    value = request.GET.get("weighting")
    if value in Weighting._value2member_map_:
        return value
    return plenary_selectors.plenary_settings_of(event).weighting


ZOOM_FILE = re.compile(r"zoom-round-([1-9][0-9]{0,2})\.csv")


def _zoom_breakouts(event, round_number: int) -> HttpResponse:
    """Zoom's breakout pre-assignment for one round. Without the byte order mark the other CSV
    files carry: Zoom compares the first heading with "Pre-assign Room Name" as written, and its
    own template file has no mark. Cells are still kept from running as spreadsheet formulas."""
    rows = groups_selectors.zoom_breakout_rows(event, round_number)
    if not rows:
        return HttpResponse(_("No one of this round has an e-mail address, or the round has no groups."), status=404)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(groups_selectors.ZOOM_HEADER)
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return attachment(out.getvalue(), "text/csv; charset=utf-8", f"{event.slug}-zoom-round-{round_number}.csv")


@require_GET
@organiser_of_event
def export(request, event, name):
    if name in ("questions.csv", "questions.json"):
        results = selectors.event_results(event, weighting=_weighting(request, event))
        if name.endswith(".json"):
            return JsonResponse(results, json_dumps_params={"ensure_ascii": False})
        return attachment(exports.questions_csv(results), "text/csv; charset=utf-8", f"{event.slug}-questions.csv")
    zoom = ZOOM_FILE.fullmatch(name)
    if zoom:
        return _zoom_breakouts(event, int(zoom.group(1)))
    if name == "feedback.csv":
        rows = feedback.feedback_rows(feedback.feedback_summary(event))
        content = csv_text(feedback.FEEDBACK_HEADER, rows)
        return attachment(content, "text/csv; charset=utf-8", f"{event.slug}-feedback.csv")
    rows = selectors.group_result_rows(event)
    specs = selectors.event_question_specs(event)
    if name == "results.xlsx":
        results = selectors.event_results(event, weighting=_weighting(request, event))
        content = exports.results_xlsx(results, rows, specs)
        return attachment(content, XLSX_CONTENT_TYPE, f"{event.slug}-results.xlsx")
    if name == "groups.csv":
        return attachment(exports.groups_csv(rows, specs), "text/csv; charset=utf-8", f"{event.slug}-groups.csv")
    if name == "groups.json":
        return JsonResponse(exports.groups_json(event.slug, rows), json_dumps_params={"ensure_ascii": False})
    points = exports.key_points(rows, specs)
    if name == "key-points.csv":
        return attachment(exports.key_points_csv(points), "text/csv; charset=utf-8", f"{event.slug}-key-points.csv")
    if name == "key-points.md":
        text = exports.key_points_markdown(event.title, points)
        return attachment(text, "text/markdown; charset=utf-8", f"{event.slug}-key-points.md")
    return HttpResponse(status=404)


@never_cache
@require_GET
@organiser_of_event
def results_print(request, event):
    results = selectors.event_results(event, weighting=_weighting(request, event))
    settings_ = plenary_selectors.plenary_settings_of(event)
    report = exports.print_report(results, *plenary_selectors.plenary_comparison(event, settings_, staff=True))
    rows = selectors.group_result_rows(event)
    points = exports.key_points(rows, selectors.event_question_specs(event))
    return render(request, "results/print.html", {"event": event, **report, "points": points})
