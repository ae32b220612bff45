"""Diversity allocator: split participants into groups of maximum diversity
(the maximally diverse grouping problem, MDGP).  Pure Python + numpy +
numba; no Django import anywhere in this package.

Typical call (e.g. from a Celery task)::

    from groups.allocation import allocate_people, AllocationInfeasible

    try:
        result = allocate_people(
            people,                      # list of dicts, each with an "id"
            attributes=[("gender", "categorical", 1.0),
                        ("age", "numeric", 1.0)],
            keep_together=["language"],  # groups share a language
            keep_apart=[("p1", "p2")],
            pins={"p3": 0},
            staff=[{"id": "s1", "roles": ["facilitator"], "language": "fr"}, ...],
            group_size=5,                # sizes differ by at most one
            seed=42, time_limit=30, progress=lambda frac, best: ...)
    except AllocationInfeasible as exc:  # a ValueError: show str(exc)
        ...
    result.groups          # group index per person (same order as people)
    result.members()       # list of groups -> person indices
    result.facilitators    # {group: staff id}; result.note_takers likewise
    result.report          # JSON-serialisable quality report

Objective: the sum, over groups, of the distances of every pair of members.
Categorical attribute: ``weight`` when values differ; numeric attribute:
``weight * (x_i - x_j)**2`` on values scaled to [0, 1] (squared so that
group sums follow from counts, sums and sums of squares, exactly).

Determinism: the search runs a deterministic iteration budget derived from
the problem size; ``time_limit`` is only a cap checked between fixed-size
chunks of iterations.  Same input + same seed -> identical groups whenever
the run ends on its budget (the normal case; ``result.info`` tells which).
Another seed gives a different allocation of similar quality.

Lower-level API: :func:`build_problem` -> :class:`Problem`,
:func:`allocate` -> :class:`Assignment`, :func:`allocate_rounds`,
:func:`add_late_joiners`, :func:`rebalance`, :func:`quality_report`,
:func:`run_ils` (explicit distance matrix, used for MDGPLIB).
"""

from .api import build_problem, matrix_problem
from .core import Assignment, allocate
from .late import add_late_joiners, rebalance
from .problem import AllocationInfeasible, AttributeSpec, GroupSizes, Problem, StaffMember
from .report import quality_report
from .rounds import allocate_rounds, repeated_pairs_share
from .search import run_ils

__all__ = [
    "Assignment",
    "AllocationInfeasible",
    "AttributeSpec",
    "GroupSizes",
    "Problem",
    "StaffMember",
    "add_late_joiners",
    "allocate",
    "allocate_people",
    "allocate_rounds",
    "build_problem",
    "matrix_problem",
    "quality_report",
    "rebalance",
    "repeated_pairs_share",
    "run_ils",
]


def allocate_people(
    people,
    attributes,
    *,
    keep_together=(),
    pins=None,
    keep_apart=(),
    staff=None,
    group_size=5,
    rounding="nearest",
    min_size=None,
    max_size=None,
    bounds=None,
    allow_volunteer_note_takers=False,
    seed=0,
    time_limit=None,
    progress=None,
    rounds=1,
    id_key="id",
):
    """One-call helper over :func:`build_problem` and :func:`allocate`.

    ``attributes``: list of ``(name, kind, weight)`` tuples, dicts or
    :class:`AttributeSpec`.  Group sizes: ``group_size`` with ``rounding``
    ("nearest", "up": fewer bigger groups, "down": more smaller groups),
    optional ``min_size``/``max_size`` limits or explicit per-group
    ``bounds=[(min, max), ...]``.  With ``rounds > 1`` returns
    ``(list of Assignment, rounds report)`` from :func:`allocate_rounds`,
    else one :class:`Assignment`.  Raises :class:`AllocationInfeasible`.
    """
    sizes = GroupSizes(
        size=group_size,
        rounding=rounding,
        min_size=min_size,
        max_size=max_size,
        bounds=None if bounds is None else tuple(tuple(b) for b in bounds),
    )
    problem = build_problem(
        people,
        attributes,
        keep_together=keep_together,
        pins=pins,
        keep_apart=keep_apart,
        staff=staff,
        sizes=sizes,
        id_key=id_key,
        allow_volunteer_note_takers=allow_volunteer_note_takers,
    )
    if rounds > 1:
        return allocate_rounds(problem, rounds, seed=seed, time_limit=time_limit, progress=progress)
    return allocate(problem, seed=seed, time_limit=time_limit, progress=progress)
