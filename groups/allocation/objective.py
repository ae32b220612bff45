"""Objective, upper bound and spread measures for attribute-based problems.

All functions work from per-group counts and sums (numpy ``bincount``), so
they are O(n * attributes) and never build an n x n matrix, except
:func:`pair_matrix`, which the search uses for small partitions on purpose
(O(1) move evaluation).
"""

import numpy as np
from numba import njit

from .matrix_kernels import objective_matrix
from .problem import Problem


@njit(cache=True)
def _pair_matrix(cat, cw, num, nw):
    n = cat.shape[0]
    d = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            s = 0.0
            for t in range(cat.shape[1]):
                if cat[i, t] != cat[j, t]:
                    s += cw[t]
            for u in range(num.shape[1]):
                x = num[i, u] - num[j, u]
                s += nw[u] * x * x
            d[i, j] = s
            d[j, i] = s
    return d


def pair_matrix(problem: Problem, idx=None) -> np.ndarray:
    """Distance matrix of the people ``idx`` (all when None)."""
    if idx is None:
        idx = np.arange(problem.n)
    if problem.distance is not None:
        return np.ascontiguousarray(problem.distance[np.ix_(idx, idx)], dtype=np.float64)
    return _pair_matrix(
        np.ascontiguousarray(problem.cat[idx]),
        problem.cat_weights,
        np.ascontiguousarray(problem.num[idx]),
        problem.num_weights,
    )


def group_sizes(grp: np.ndarray, g: int) -> np.ndarray:
    return np.bincount(grp, minlength=g)


def attribute_scores(problem: Problem, grp: np.ndarray, g: int) -> dict:
    """Objective contribution of every attribute (name -> value)."""
    size = group_sizes(grp, g).astype(np.float64)
    pairs = float(np.sum(size * (size - 1) / 2))
    out = {}
    for t, name in enumerate(problem.cat_names):
        L = len(problem.cat_levels[t])
        cnt = np.bincount(grp * L + problem.cat[:, t], minlength=g * L).astype(np.float64)
        same = float(np.sum(cnt * (cnt - 1) / 2))
        out[name] = float(problem.cat_weights[t]) * (pairs - same)
    for u, name in enumerate(problem.num_names):
        x = problem.num[:, u]
        S = np.bincount(grp, weights=x, minlength=g)
        Q = np.bincount(grp, weights=x * x, minlength=g)
        out[name] = float(problem.num_weights[u]) * float(np.sum(size * Q - S * S))
    return out


def score(problem: Problem, grp: np.ndarray, g: int = None) -> float:
    """Diversity objective: sum over groups of the distances of all member pairs."""
    grp = np.asarray(grp, dtype=np.int64)
    if g is None:
        g = int(grp.max()) + 1 if grp.size else 0
    if problem.distance is not None:
        return float(objective_matrix(np.ascontiguousarray(problem.distance, dtype=np.float64), grp))
    return float(sum(attribute_scores(problem, grp, g).values()))


def _min_same_pairs(count: int, g: int) -> float:
    """Fewest same-category pairs when ``count`` people spread over g groups."""
    q, r = divmod(count, g)
    return r * (q + 1) * q / 2 + (g - r) * q * (q - 1) / 2


def partition_bound(problem: Problem, idx, sizes) -> float:
    """Upper bound of the objective of people ``idx`` split into groups of
    the given ``sizes`` (see :func:`upper_bound`)."""
    sizes = np.asarray(sizes, dtype=np.float64)
    sizes = sizes[sizes > 0]
    G = len(sizes)
    if G == 0:
        return 0.0
    pairs = float(np.sum(sizes * (sizes - 1) / 2))
    if problem.distance is not None:
        dd = problem.distance[np.ix_(idx, idx)]
        vals = np.sort(dd[np.triu_indices(len(idx), 1)])[::-1]
        return float(vals[: int(pairs)].sum())
    total = 0.0
    for t in range(len(problem.cat_names)):
        cnt = np.bincount(problem.cat[idx, t])
        same = sum(_min_same_pairs(int(c), G) for c in cnt if c > 1)
        total += float(problem.cat_weights[t]) * (pairs - same)
    for u in range(len(problem.num_names)):
        x = problem.num[idx, u]
        total += float(problem.num_weights[u]) * float(sizes.max()) * float(np.sum((x - x.mean()) ** 2))
    return total


def upper_bound(problem: Problem, grp: np.ndarray, g: int, partitions) -> float:
    """Upper bound of the objective for the group sizes of ``grp``.

    Within every keep-together partition (people can only meet inside it):

    * categorical attribute: ``w * (sum_k C(m_k,2) - sum_c minsame(N_c))``
      where minsame spreads each category's count N_c as evenly as possible
      over the partition's groups (each category independently: a
      relaxation, hence a valid bound);
    * numeric attribute: ``w * m_max * sum_i (x_i - mean)^2``, because a group's
      pair sum is ``m_k`` times its within-group scatter, and the
      within-group scatters add up to at most the total scatter.

    For an explicit distance matrix the bound is the sum of the
    sum_k C(m_k,2) largest distances of the partition (loose).
    """
    grp = np.asarray(grp, dtype=np.int64)
    total = 0.0
    for idx in partitions:
        if len(idx) == 0:
            continue
        groups = np.unique(grp[idx])
        sizes = np.bincount(grp[idx], minlength=g)[groups]
        total += partition_bound(problem, idx, sizes)
    return total


def attribute_spread(problem: Problem, grp: np.ndarray, g: int, partitions=None) -> dict:
    """Per categorical attribute: share of groups with at least
    min(2, #categories present) distinct values, and share of groups with the
    maximum possible number of distinct values (min(group size, #categories
    present in its partition)).  Per numeric attribute: mean over groups of
    the within-group standard deviation relative to the overall one.
    """
    grp = np.asarray(grp, dtype=np.int64)
    size = group_sizes(grp, g)
    out = {}
    if partitions is None:
        partitions = [np.arange(problem.n)]
    part_of_group = np.zeros(g, dtype=np.int64)
    for p, idx in enumerate(partitions):
        part_of_group[np.unique(grp[idx])] = p
    nonempty = size > 0
    ng = max(int(nonempty.sum()), 1)
    for t, name in enumerate(problem.cat_names):
        L = len(problem.cat_levels[t])
        cnt = np.bincount(grp * L + problem.cat[:, t], minlength=g * L).reshape(g, L)
        distinct = (cnt > 0).sum(axis=1)
        avail = np.array([len(np.unique(problem.cat[idx, t])) for idx in partitions])[part_of_group]
        need2 = np.minimum(2, avail)
        best = np.minimum(size, avail)
        out[name] = {
            "kind": "categorical",
            "share_groups_at_least_2": float(np.sum((distinct >= need2) & nonempty) / ng),
            "share_groups_max_distinct": float(np.sum((distinct >= best) & nonempty) / ng),
        }
    for u, name in enumerate(problem.num_names):
        x = problem.num[:, u]
        S = np.bincount(grp, weights=x, minlength=g)
        Q = np.bincount(grp, weights=x * x, minlength=g)
        m = np.maximum(size, 1)
        var = np.maximum(Q / m - (S / m) ** 2, 0.0)
        overall = float(np.std(x)) or 1.0
        out[name] = {
            "kind": "numeric",
            "mean_group_std_over_overall_std": float(np.mean(np.sqrt(var[nonempty])) / overall),
        }
    return out
