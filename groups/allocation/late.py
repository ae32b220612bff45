"""Changes after the allocation: late joiners and re-balancing.

Both work on an existing assignment and never touch people who need not
move.  Distances of one person to every group are computed in O(n * A)
with numpy (no matrix).
"""

import numpy as np

from .problem import AllocationInfeasible


def _dist_to_all(problem, i):
    if problem.distance is not None:
        return np.asarray(problem.distance[i], dtype=np.float64)
    d = ((problem.cat != problem.cat[i]) * problem.cat_weights).sum(axis=1)
    d = d + (((problem.num - problem.num[i]) ** 2) * problem.num_weights).sum(axis=1)
    d[i] = 0.0
    return d


def _group_keys(problem, groups, n_groups):
    keys = [None] * n_groups
    for i, k in enumerate(groups):
        if k >= 0 and keys[k] is None:
            keys[k] = tuple(problem.keys[i]) if problem.keys else ()
    return keys


def _bounds(problem, n_groups, lo=None, hi=None):
    if lo is not None:
        return np.broadcast_to(np.asarray(lo), n_groups).copy(), np.broadcast_to(np.asarray(hi), n_groups).copy()
    if problem.sizes.bounds is not None:
        b = np.asarray(problem.sizes.bounds, dtype=np.int64).reshape(-1, 2)
        return b[:, 0].copy(), b[:, 1].copy()
    a, b = problem.sizes.limits()
    return np.full(n_groups, a), np.full(n_groups, b)


def _apart_partners(problem):
    partners = {}
    for i, j in problem.keep_apart:
        partners.setdefault(i, set()).add(j)
        partners.setdefault(j, set()).add(i)
    return partners


def add_late_joiners(problem, groups, *, n_groups=None, max_size=None):
    """Place people with ``groups[i] == -1`` into existing groups.

    Nobody already placed moves.  Each newcomer goes to the group, among
    those with the same keep-together key, with room (size < ``max_size``,
    default the problem's max group size), no keep-apart partner and
    matching the person's pin if any: the smallest of those groups, and
    among equally small ones where they add the most diversity (sum of
    distances to the members; a sum favours larger groups, so on its own it
    would send every newcomer to the largest one and make sizes 5, 4, 4 into
    6, 4, 4).  Newcomers with fewer options are placed first.  Staff are unaffected: a group keeps its language.

    Returns ``(new_groups, placements)`` with placements ``[(person index,
    group)]``.  Raises :class:`AllocationInfeasible` naming the person when no
    group can take them.
    """
    groups = np.asarray(groups, dtype=np.int64).copy()
    if n_groups is None:
        n_groups = int(groups.max()) + 1
    _, hi = _bounds(problem, n_groups, None if max_size is None else 0, None if max_size is None else max_size)
    keys = _group_keys(problem, groups, n_groups)
    partners = _apart_partners(problem)
    new = [int(i) for i in np.flatnonzero(groups < 0)]
    size = np.bincount(groups[groups >= 0], minlength=n_groups)

    def options(i):
        key = tuple(problem.keys[i]) if problem.keys else ()
        ok = []
        for k in range(n_groups):
            if keys[k] is not None and keys[k] != key:
                continue
            if size[k] >= hi[k]:
                continue
            if i in problem.pins and problem.pins[i] != k:
                continue
            if any(groups[j] == k for j in partners.get(i, ())):
                continue
            ok.append(k)
        return ok

    placements = []
    remaining = list(new)
    while remaining:
        opts = {i: options(i) for i in remaining}
        i = min(remaining, key=lambda x: (len(opts[x]), x))
        if not opts[i]:
            key = tuple(problem.keys[i]) if problem.keys else ()
            what = ", ".join(f"{f}={v!r}" for f, v in zip(problem.keep_together, key, strict=False))
            raise AllocationInfeasible(
                f"late joiner {problem.ids[i]!r}: no group{' with ' + what if what else ''} "
                f"has a free seat (max size {int(hi.max())}) without breaking a constraint"
            )
        dist = _dist_to_all(problem, i)
        placed = groups >= 0
        per_group = np.bincount(groups[placed], weights=dist[placed], minlength=n_groups)
        best = max(opts[i], key=lambda k: (-size[k], per_group[k], -k))
        groups[i] = best
        size[best] += 1
        keys[best] = tuple(problem.keys[i]) if problem.keys else ()
        placements.append((i, int(best)))
        remaining.remove(i)
    return groups, placements


def rebalance(problem, groups, *, n_groups=None, lo=None, hi=None):
    """Move as few people as possible so every non-empty group is within
    ``lo..hi`` (defaults: the problem's size limits or explicit bounds).

    Within each keep-together set, the minimum number of moves is
    ``max(total excess over hi, total shortfall under lo)``: every move
    fixes at most one seat of each kind; this function reaches it.  Among
    the candidate people and target groups it picks the move that keeps
    the most diversity.  Pinned people never move; keep-apart pairs are
    respected.  Empty groups are ignored (dissolved).

    Returns ``(new_groups, moves)`` with moves ``[(person, from, to)]``.
    """
    groups = np.asarray(groups, dtype=np.int64).copy()
    if n_groups is None:
        n_groups = int(groups.max()) + 1
    lo, hi = _bounds(problem, n_groups, lo, hi)
    keys = _group_keys(problem, groups, n_groups)
    partners = _apart_partners(problem)
    size = np.bincount(groups, minlength=n_groups)
    moves = []
    for key in sorted({k for k in keys if k is not None}):
        gs = [k for k in range(n_groups) if keys[k] == key and size[k] > 0]
        total = int(size[gs].sum())
        if total < int(lo[gs].sum()) or total > int(hi[gs].sum()):
            what = ", ".join(f"{f}={v!r}" for f, v in zip(problem.keep_together, key, strict=False)) or "participants"
            raise AllocationInfeasible(
                f"rebalance: {what} ({total} people in {len(gs)} groups) cannot fit sizes "
                f"{int(lo[gs].min())}..{int(hi[gs].max())} without adding or removing groups"
            )
        while True:
            over = [k for k in gs if size[k] > hi[k]]
            under = [k for k in gs if size[k] < lo[k]]
            if not over and not under:
                break
            donors = over or [k for k in gs if size[k] > lo[k]]
            receivers = under or [k for k in gs if size[k] < hi[k]]
            best = None
            for a in donors:
                for i in np.flatnonzero(groups == a):
                    if i in problem.pins:
                        continue
                    dist = _dist_to_all(problem, i)
                    per = np.bincount(groups, weights=dist, minlength=n_groups)
                    for b in receivers:
                        if b == a or any(groups[j] == b for j in partners.get(int(i), ())):
                            continue
                        # prefer fixing the worst groups, then the diversity change
                        gain = (size[a] - hi[a], lo[b] - size[b], per[b] - per[a])
                        if best is None or gain > best[0]:
                            best = (gain, int(i), a, b)
            if best is None:
                raise AllocationInfeasible(
                    "rebalance: no movable person can restore the size "
                    "bounds (pins or keep-apart pairs block every move)"
                )
            _, i, a, b = best
            groups[i] = b
            size[a] -= 1
            size[b] += 1
            moves.append((i, int(a), int(b)))
    return groups, moves
