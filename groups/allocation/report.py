"""Quality report of an allocation: a plain, JSON-serialisable dict."""

import numpy as np

from .constraints import count_violations, layout, missing_staff
from .objective import attribute_spread, score, upper_bound
from .rng import make_state


def random_score(problem, grp, parts, seed=0) -> float:
    """Score of a random allocation with the same group sizes (people are
    shuffled inside their keep-together partition)."""
    rng = np.random.default_rng(make_state(seed + 12345)[0])
    rnd = np.asarray(grp).copy()
    for p in parts:
        rnd[p.idx] = rng.permutation(rnd[p.idx])
    return score(problem, rnd, int(np.max(grp)) + 1)


def quality_report(
    problem, alloc, *, parts=None, pinned=None, seed=0, duration=None, repeated_pairs_share=None
) -> dict:
    """Build the report.

    Fields: ``score``, ``upper_bound`` and ``percent_of_upper_bound`` (see
    :func:`groups.allocation.objective.upper_bound`), ``random_score`` and
    ``random_percent_of_upper_bound`` (same sizes, shuffled),
    ``attributes`` (per attribute spread), ``constraint_violations`` (total,
    must be 0, and ``violations_by_kind``), ``repeated_pairs_share`` (rounds
    only, else None), ``groups``, ``group_sizes``, ``volunteer_note_takers``,
    ``duration_seconds``; ``missing_staff`` (``{"facilitator": [groups],
    "note_taker": [groups]}``, None without staff) and ``groups_off_target``
    (groups whose size is outside target - 1 .. target + 1, e.g. a set of
    people too small for a full group).
    """
    if parts is None:
        parts = layout(problem)
    if pinned is None:
        pinned = -np.ones(problem.n, dtype=np.int64)
        for i, k in problem.pins.items():
            pinned[i] = k
    grp = np.asarray(alloc.groups)
    g = alloc.n_groups
    idx_parts = [p.idx for p in parts]
    s = float(score(problem, grp, g))
    ub = float(upper_bound(problem, grp, g, idx_parts))
    rnd = float(random_score(problem, grp, parts, seed))
    viol = count_violations(problem, grp, parts, pinned)
    sizes = np.bincount(grp, minlength=g)
    off_target = sorted(int(k) for p in parts if not p.within_target for k in p.groups)
    return {
        "participants": int(problem.n),
        "groups": int(g),
        "group_sizes": {str(k): int(v) for k, v in zip(*np.unique(sizes, return_counts=True), strict=False)},
        "score": s,
        "upper_bound": ub,
        "percent_of_upper_bound": 100.0 * s / ub if ub > 0 else 100.0,
        "random_score": rnd,
        "random_percent_of_upper_bound": 100.0 * rnd / ub if ub > 0 else 100.0,
        "attributes": attribute_spread(problem, grp, g, idx_parts) if problem.distance is None else {},
        "constraint_violations": int(sum(viol.values())),
        "violations_by_kind": viol,
        "repeated_pairs_share": repeated_pairs_share,
        "volunteer_note_takers": len(alloc.volunteer_note_takers),
        "missing_staff": None if problem.staff is None else missing_staff(g, alloc.facilitators, alloc.note_takers),
        "groups_off_target": off_target,
        "duration_seconds": None if duration is None else float(duration),
    }
