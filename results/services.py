"""Writes on group results and reference results. Views, admin and commands call these."""

import csv
import io

from django.db import transaction

from results.models import ReferenceDataset
from results.reference_import import reference_import_csv

DEMO_DATASET_TITLE = "Illustrative reference figures (made up for the demo, not real results)"
DEMO_DATASET_SOURCE = "Invented for the demo. These are NOT published results of the citizens' dialogues."

# Made-up shares in percent per scope, in the order of the demo questions' options
# (sessions_app/demo.py). q4 is the share of groups ranking each action first.
_DEMO_SCOPES = [
    # (scope, scope_name, respondents, groups)
    ("global", "", 5000, 800),
    ("continent", "Europe", 1500, 240),
    ("continent", "Africa", 1300, 210),
    ("country", "France", 100, 16),
    ("country", "Kenya", 100, 16),
]
_DEMO_FIGURES = {
    "q1": (
        ["opportunity", "threat", "both", "neither"],
        [[41, 9, 46, 4], [35, 12, 49, 4], [55, 6, 36, 3], [33, 14, 50, 3], [60, 5, 33, 2]],
    ),
    "q2": (
        ["governments", "platforms", "citizens", "media", "international"],
        [[52, 48, 37, 28, 31], [49, 55, 33, 30, 29], [58, 39, 41, 27, 34], [45, 60, 30, 35, 26], [62, 35, 44, 24, 30]],
    ),
    "q3": (
        ["1", "2", "3", "4", "5"],
        [[22, 31, 30, 13, 4], [27, 34, 27, 10, 2], [15, 26, 33, 18, 8], [30, 35, 25, 8, 2], [12, 24, 34, 20, 10]],
    ),
    "q4": (
        ["education", "regulation", "design", "fact-checking"],
        [[53, 22, 11, 14], [46, 28, 12, 14], [60, 17, 9, 14], [44, 31, 12, 13], [62, 19, 6, 13]],
    ),
}
_EXCLUSIVE = {"q1", "q3", "q4"}  # one option per respondent (or group): counts add up to N


def _counts(shares: list[int], n: int, *, exclusive: bool) -> list[int]:
    """Whole counts for the shares; for exclusive options by largest remainder, so that they sum to N."""
    exact = [share * n / 100 for share in shares]
    counts = [int(value) for value in exact]
    if exclusive:
        by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
        for i in by_remainder[: n - sum(counts)]:
            counts[i] += 1
    else:
        counts = [round(value) for value in exact]
    return counts


def _demo_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question_code", "option_code", "scope", "scope_name", "count", "percent", "n"])
    for question_code, (option_codes, rows) in _DEMO_FIGURES.items():
        for (scope, scope_name, respondents, groups), shares in zip(_DEMO_SCOPES, rows, strict=True):
            n = groups if question_code == "q4" else respondents
            counts = _counts(shares, n, exclusive=question_code in _EXCLUSIVE)
            for option_code, count in zip(option_codes, counts, strict=True):
                writer.writerow([question_code, option_code, scope, scope_name, count, f"{100 * count / n:.2f}", n])
    return out.getvalue()


@transaction.atomic
def reference_demo_dataset_create() -> ReferenceDataset:
    """The demo's ILLUSTRATIVE reference dataset (made-up figures, never real results).

    Figures for the demo questions q1..q4, globally, for two continents and two countries.
    Created once: calling again returns the existing dataset. The figures go through the CSV
    import, so they obey every rule real data must.
    """
    dataset = ReferenceDataset.objects.filter(title=DEMO_DATASET_TITLE, illustrative=True).first()
    if dataset is not None:
        return dataset
    dataset = ReferenceDataset.objects.create(title=DEMO_DATASET_TITLE, source=DEMO_DATASET_SOURCE, illustrative=True)
    result = reference_import_csv(dataset=dataset, data=_demo_csv().encode())
    if not result.ok:
        raise ValueError("; ".join(str(error) for error in result.errors))
    return dataset
