"""Quality report of an allocation: a plain, JSON-serialisable dict."""

import numpy as np

from .constraints import count_violations, layout
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
    ``duration_seconds``.
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
    if problem.staff is not None:
        viol["staff"] = int(
            sum(1 for k in range(g) if k not in alloc.facilitators)
            + sum(1 for k in range(g) if k not in alloc.note_takers)
        )
    sizes = np.bincount(grp, minlength=g)
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
        "duration_seconds": None if duration is None else float(duration),
    }
