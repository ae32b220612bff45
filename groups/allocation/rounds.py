"""Several rounds: people should meet new people every round.

Round r is allocated with every pair that already met in rounds < r
penalised by ``P`` per earlier meeting (``P`` from
:func:`groups.allocation.core.penalty_unit`: more than any single move can
gain in diversity), so repeats only survive when they cannot be avoided.
"""

import time

from .constraints import layout
from .core import allocate, penalty_unit


def pairs_of(groups) -> set:
    """Set of unordered pairs (i, j), i < j, sitting in the same group."""
    members = {}
    for i, k in enumerate(groups):
        members.setdefault(int(k), []).append(i)
    out = set()
    for mem in members.values():
        for a in range(len(mem)):
            for b in range(a + 1, len(mem)):
                out.add((mem[a], mem[b]))
    return out


def repeated_pairs_share(rounds_groups) -> float:
    """Share of same-group pairs (over all rounds) that met in an earlier round."""
    seen = set()
    total = repeated = 0
    for groups in rounds_groups:
        pairs = pairs_of(groups)
        total += len(pairs)
        repeated += len(pairs & seen)
        seen |= pairs
    return repeated / total if total else 0.0


def allocate_rounds(
    problem, rounds: int, *, seed: int = 0, time_limit: float = None, progress=None, max_iterations: int = None
):
    """Allocate ``rounds`` rounds; returns ``(list of Assignment, report dict)``.

    Round r uses seed ``seed + r``; ``time_limit`` is split evenly between
    rounds.  The report has ``repeated_pairs_share`` (pairs meeting again /
    all same-group pairs), ``repeated_pairs`` and each round's report.
    """
    if rounds < 1:
        raise ValueError("rounds must be >= 1")
    t0 = time.perf_counter()
    unit = penalty_unit(problem, layout(problem))
    met = {}
    allocations = []
    for r in range(rounds):
        sub = None
        if progress is not None:

            def sub(frac, best, r=r):
                progress((r + frac) / rounds, best)

        weights = {pair: -unit * c for pair, c in met.items()}
        tl = None if time_limit is None else time_limit / rounds
        alloc = allocate(
            problem, seed=seed + r, time_limit=tl, progress=sub, max_iterations=max_iterations, pair_weights=weights
        )
        for pair in pairs_of(alloc.groups):
            met[pair] = met.get(pair, 0) + 1
        allocations.append(alloc)
    share = repeated_pairs_share([a.groups for a in allocations])
    for a in allocations:
        a.report["repeated_pairs_share"] = share
    report = {
        "rounds": rounds,
        "repeated_pairs_share": share,
        "repeated_pairs": int(sum(c - 1 for c in met.values() if c > 1)),
        "duration_seconds": time.perf_counter() - t0,
        "per_round": [a.report for a in allocations],
    }
    return allocations, report
