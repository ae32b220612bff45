"""Results as files: CSV (formula-safe), an Excel workbook, JSON and Markdown, built from the
selectors' plain data."""

from infrastructure.csvfiles import csv_text as _csv
from infrastructure.spreadsheets import xlsx_workbook_bytes
from results.answers import QuestionSpec
from results.figures import bar_width


def _pct(value):
    return "" if value is None else f"{value:.1f}"


QUESTIONS_HEADER = [
    "session",
    "question_code",
    "question",
    "kind",
    "respondent",
    "option_code",
    "option",
    "count",
    "percent",
    "n",
    "groups",
    "ranked_first",
    "ranked_first_percent",
    "average_rank",
    "weighting",
]
GROUPS_HEADER = ["group", "session", "revision", "question_code", "kind", "option_code", "count", "valid", "rank"]
KEY_POINTS_HEADER = ["group", "session", "question_code", "question", "text"]


def questions_rows(results: dict) -> list[list]:
    """One row per option of every question (open questions: one row with the number of texts)."""
    rows = []
    for session in results["sessions"]:
        for q in session["questions"]:
            base = [session["code"], q["code"], q["text"], q["kind"], q["respondent"]]
            if q["kind"] == "open":
                rows.append([*base, "", "", "", "", "", q["groups"], "", "", "", results["weighting"]])
                continue
            for o in q["options"]:
                if q["kind"] == "ranking":
                    tail = ["", "", q["respondents"], q["groups"], o["first"], _pct(o["first_percent"])]
                    tail.append("" if o["average_rank"] is None else f"{o['average_rank']:.2f}")
                else:
                    tail = [o["count"], _pct(o["percent"]), q["respondents"], q["groups"], "", "", ""]
                rows.append([*base, o["code"], o["label"], *tail, results["weighting"]])
    return rows


def questions_csv(results: dict) -> str:
    return _csv(QUESTIONS_HEADER, questions_rows(results))


def group_rows(rows: list[dict], specs: dict[int, list[QuestionSpec]]) -> list[list]:
    """Per group, question and option: the count (individual), 1 if chosen (group), or the rank."""
    out = []
    for row in rows:
        answers = (row["data"] or {}).get("answers", {})
        for spec in specs.get(row["session_id"], []):
            answer = answers.get(spec.code)
            if answer is None or spec.kind == "open":
                continue
            base = [row["group"], row["session"], row["revision"], spec.code, spec.kind]
            if "counts" in answer:
                for code in spec.options:
                    out.append([*base, code, answer["counts"].get(code, 0), answer.get("valid"), ""])
            elif "ranking" in answer:
                for position, code in enumerate(answer["ranking"], start=1):
                    out.append([*base, code, "", "", position])
            else:
                chosen = answer.get("choices") or [answer.get("choice")]
                for code in spec.options:
                    out.append([*base, code, 1 if code in chosen else 0, 1, ""])
    return out


def groups_csv(rows: list[dict], specs: dict[int, list[QuestionSpec]]) -> str:
    return _csv(GROUPS_HEADER, group_rows(rows, specs))


def key_points(rows: list[dict], specs: dict[int, list[QuestionSpec]]) -> list[dict]:
    points = []
    for row in rows:
        answers = (row["data"] or {}).get("answers", {})
        for spec in specs.get(row["session_id"], []):
            text = (answers.get(spec.code) or {}).get("text") if spec.kind == "open" else None
            if text:
                points.append(
                    {
                        "group": row["group"],
                        "session": row["session"],
                        "question_code": spec.code,
                        "question": spec.text,
                        "text": text,
                    }
                )
    return points


def key_points_csv(points: list[dict]) -> str:
    return _csv(KEY_POINTS_HEADER, ([p[key] for key in KEY_POINTS_HEADER] for p in points))


def results_xlsx(results: dict, rows: list[dict], specs: dict[int, list[QuestionSpec]]) -> bytes:
    """The event's results as one workbook: a sheet each for the questions, the groups' answers
    and the key points (the same columns as the CSV files; numbers as numbers)."""
    points = key_points(rows, specs)
    return xlsx_workbook_bytes(
        [
            ("questions", QUESTIONS_HEADER, [[_number(cell) for cell in row] for row in questions_rows(results)]),
            ("groups", GROUPS_HEADER, group_rows(rows, specs)),
            ("key points", KEY_POINTS_HEADER, [[p[key] for key in KEY_POINTS_HEADER] for p in points]),
        ]
    )


def _number(cell):
    """A percentage or average written as text for the CSV file, as a number for the workbook."""
    if isinstance(cell, str) and cell[:1].isdigit():
        try:
            return float(cell)
        except ValueError:
            return cell
    return cell


def _md_escape(text: str) -> str:
    """Markdown that shows the text as typed: no headings, links or HTML from a note."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in "\\`*_{}[]()<>#+-.!|~" else ch)
    return "".join(out)


def key_points_markdown(title: str, points: list[dict]) -> str:
    lines = [f"# {_md_escape(title)}", ""]
    current = None
    for p in points:
        if p["group"] != current:
            current = p["group"]
            lines += [f"## {_md_escape(current)}", ""]
        lines.append(f"**{_md_escape(p['question'])}**")
        lines.append("")
        lines += [f"> {_md_escape(line)}" if line.strip() else ">" for line in p["text"].splitlines()]
        lines.append("")
    return "\n".join(lines)


def groups_json(event_slug: str, rows: list[dict]) -> dict:
    """Each group's latest submitted results (see selectors.group_result_rows), as groups.json holds them."""
    return {
        "event": event_slug,
        "groups": [
            {
                "group": row["group"],
                "group_id": row["group_id"],
                "session": row["session"],
                "revision": row["revision"],
                "submitted_at": row["submitted_at"].isoformat() if row["submitted_at"] else None,
                "data": row["data"],
            }
            for row in rows
        ],
    }


def print_report(results: dict, figures: dict, reference: dict | None) -> dict:
    """The printable report: the event's results (``selectors.event_results``) with, per option,
    the width of its bar and the plenary's comparison figure (``plenary_selectors.plenary_comparison``:
    the reference dataset or the dialogue's results the plenary compares with).

    Each option gains ``width``, ``reference`` ({"percent", "n"} or None) and ``reference_width``;
    for rankings the bar is the share of groups ranking the option first. Returns ``{"results",
    "reference"}``, ``reference`` being the description of the comparison or None."""
    for session in results["sessions"]:
        for question in session["questions"]:
            for option in question.get("options", []):
                shown = option.get("first_percent") if question["kind"] == "ranking" else option.get("percent")
                option["width"] = bar_width(shown)
                found = figures.get((question["code"], option["code"])) if reference else None
                option["reference"] = found
                option["reference_width"] = bar_width(found["percent"]) if found else "0%"
    return {"results": results, "reference": reference}
