"""The dialogue's public results as open data: one row per session × question × option × scope.

Pure functions of a global snapshot (``dialogues.results.global_snapshot``): no database, so the
numbers in the files are exactly the numbers on the pages. A suppressed figure (fewer answering
units than the dialogue's threshold) keeps its row, so that the files have the same shape
whatever the numbers, but its percent, count, N and groups are empty.
"""

from django.utils.translation import gettext as _

from dialogues.models import Dialogue
from infrastructure.csvfiles import csv_text

COLUMNS = [
    "dialogue",
    "version",
    "session_code",
    "question_code",
    "question_text",
    "option_code",
    "option_label",
    "scope_kind",
    "scope_name",
    "percent",
    "count",
    "n",
    "groups",
    "sites",
    "suppressed",
    "measure",
    "weighting",
    "generated_at",
]


def _scope_name(key: str) -> str:
    """The scope's stable name: "world", a continent code, a country or a tag as typed."""
    kind, _sep, name = key.partition(":")
    return name if name else "world"


def open_data_rows(snapshot: dict) -> list[dict]:
    """Every figure of the snapshot as flat rows (see COLUMNS), scopes in the snapshot's order."""
    scopes = [scope["key"] for scope in snapshot["scopes"]]
    rows = []
    for session in snapshot["sessions"]:
        for question in session["questions"]:
            for index, option in enumerate(question["options"]):
                for key in scopes:
                    figures = question["figures"].get(key) or {"suppressed": True, "sites": 0}
                    suppressed = bool(figures.get("suppressed"))
                    rows.append(
                        {
                            "dialogue": snapshot["dialogue"],
                            "version": snapshot["version"],
                            "session_code": session["code"],
                            "question_code": question["code"],
                            "question_text": question["text"],
                            "option_code": option["code"],
                            "option_label": option["label"],
                            "scope_kind": key.partition(":")[0],
                            "scope_name": _scope_name(key),
                            "percent": None if suppressed else figures["percent"][index],
                            "count": None if suppressed else figures["count"][index],
                            "n": None if suppressed else figures["n"],
                            "groups": None if suppressed else figures["groups"],
                            "sites": figures.get("sites", 0),
                            "suppressed": suppressed,
                            "measure": question["measure"],
                            "weighting": snapshot["weighting"],
                            "generated_at": snapshot["generated_at"],
                        }
                    )
    return rows


def open_data_csv(rows: list[dict]) -> str:
    """The rows as CSV; cells that a spreadsheet would run as formulas are neutralised."""

    def cell(value):
        if isinstance(value, bool):
            return "true" if value else "false"
        return value

    return csv_text(COLUMNS, ([cell(row[column]) for column in COLUMNS] for row in rows))


def weighting_text(weighting: str) -> tuple[str, str]:
    """The weighting's name and what it means, for people."""
    if weighting == Dialogue.Weighting.SITES_EQUAL:
        return (
            _("One site, one vote"),
            _(
                "Each site's own percentages are computed first, then averaged: every site counts the same, "
                "whatever its number of participants. N still counts every answer."
            ),
        )
    return (
        _("Pooled: every answer counts the same"),
        _("The answers of all sites in the scope are added up, then divided by the number of valid answers."),
    )


def suppression_text(min_respondents: int, *, public: bool = True) -> str:
    """What is not shown and why; ``public``: of the public figures, which also move in steps."""
    texts = [
        _(
            "A figure based on fewer than %(n)s answering people (for questions answered by each participant) "
            "or fewer than %(n)s groups (for group answers and rankings) is not shown: its percent, count, N "
            "and groups are left empty and “suppressed” is true. This protects the anonymity of small groups "
            "and sites."
        )
        % {"n": min_respondents},
        _(
            "Some larger figures are hidden as well, where showing them would let a hidden one be worked out "
            "by subtraction (for example the world minus every other country)."
        ),
    ]
    if public:
        texts.append(
            _(
                "The public figures move in steps: a site's answers to a question are added, or brought up to "
                "date, only once at least %(n)s new answering people (or groups) have arrived there since its "
                "last step, so that comparing two downloads never reveals a single group's answers. The last "
                "few answers of a site may therefore not be shown."
            )
            % {"n": min_respondents}
        )
    return " ".join(texts)


def data_dictionary(*, dialogue_slug: str, title: str, weighting: str, min_respondents: int) -> dict:
    """What every column of the open data means, with the dialogue's weighting and threshold."""
    weighting_name, weighting_explained = weighting_text(weighting)
    columns = {
        "dialogue": _("The dialogue's short name."),
        "version": _("The number of the questionnaire version that the figures follow."),
        "session_code": _("The session's stable code (the same in every language and site)."),
        "question_code": _("The question's stable code within its session."),
        "question_text": _("The question's text in the questionnaire's original language."),
        "option_code": _("The answer option's stable code within its question."),
        "option_label": _("The option's label in the questionnaire's original language."),
        "scope_kind": _(
            "What the figures cover: “global” (every site), “continent”, “country” or “tag” "
            "(a grouping of sites chosen by the coordinators)."
        ),
        "scope_name": _("“world” for global figures, else the continent's code, the country or the tag."),
        "percent": _(
            "For most questions: the share of valid answers that chose the option, in percent, rounded to one "
            "decimal. For multiple choice questions the shares may add up to more than 100. For group rankings: "
            "the share of groups that ranked the option first. Empty when suppressed."
        ),
        "count": _(
            "The number of answers that chose the option (for rankings: of groups that ranked it first). "
            "Empty when suppressed."
        ),
        "n": _(
            "The number of valid answers to the question in the scope (people, or groups for group answers). "
            "Empty when suppressed."
        ),
        "groups": _(
            "The number of small groups whose results include an answer to the question. Empty when suppressed."
        ),
        "sites": _("The number of sites (events) in the scope whose groups answered the question."),
        "suppressed": _("“true” when the figure is not shown because too few answered, else “false”."),
        "measure": _(
            "“share”: percent of answers choosing the option; “ranked_first”: percent of groups ranking it first."
        ),
        "weighting": _("“pooled” or “sites_equal” (one site, one vote): how the sites' answers are combined."),
        "generated_at": _("When the figures were computed (ISO 8601, UTC). Results keep arriving during the day."),
    }
    return {
        "dialogue": dialogue_slug,
        "title": title,
        "columns": [{"name": name, "description": columns[name]} for name in COLUMNS],
        "weighting": {"code": weighting, "name": weighting_name, "description": weighting_explained},
        "suppression": {"min_respondents": min_respondents, "description": suppression_text(min_respondents)},
        "measures": {
            "share": _("Share of valid answers choosing the option."),
            "ranked_first": _(
                "For group rankings: share of the groups that ranked the option first. Each group ranks every "
                "option, so the shares of one question add up to 100."
            ),
        },
        "scope": _(
            "Only the sites of partners who agreed to publish their results are included. Individual answers and "
            "the groups' texts are never published: only counts per option."
        ),
        "licence": _("Open data; cite the dialogue"),
    }
