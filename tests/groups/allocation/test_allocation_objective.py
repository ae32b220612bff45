import numpy as np
import pytest
from alloc_helpers import ATTRS, brute_best, brute_objective, people

from groups.allocation import allocate, build_problem, run_ils
from groups.allocation import counts as ck
from groups.allocation.core import _global_codes
from groups.allocation.matrix_kernels import build_state, objective_matrix, random_assignment
from groups.allocation.objective import pair_matrix, score, upper_bound
from groups.allocation.rng import make_state


def test_score_matches_brute_force_and_matrix():
    prob = build_problem(people(23, seed=3), ATTRS, sizes=5)
    grp = np.arange(23) % 5
    bf = brute_objective(prob, grp)
    assert score(prob, grp, 5) == pytest.approx(bf)
    assert objective_matrix(pair_matrix(prob), grp) == pytest.approx(bf)
    codes, K = _global_codes(prob, np.arange(23))
    empty = np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    ptr = np.zeros(24, dtype=np.int64)
    val = ck.objective_counts(codes, prob.cat_weights, prob.num, prob.num_weights, grp, 5, K, ptr, empty[1], empty[2])
    assert val == pytest.approx(bf)


def test_matrix_state_delta_is_exact():
    rs = np.random.default_rng(1)
    d = rs.uniform(0, 10, (30, 30))
    d = np.triu(d, 1)
    d = d + d.T
    lo = hi = np.full(5, 6, dtype=np.int64)
    grp = random_assignment(30, lo, hi, -np.ones(30, dtype=np.int64), make_state(4))
    DT, Dself, size = build_state(d, grp, 5)
    f0 = objective_matrix(d, grp)
    assert 0.5 * Dself.sum() == pytest.approx(f0)
    for _ in range(50):
        i, j = rs.integers(30, size=2)
        a, b = grp[i], grp[j]
        if a == b:
            continue
        gain = DT[b, i] - Dself[i] + DT[a, j] - Dself[j] - 2 * d[i, j]
        g2 = grp.copy()
        g2[i], g2[j] = b, a
        assert objective_matrix(d, g2) - f0 == pytest.approx(gain)


def test_counts_swap_gain_is_exact():
    prob = build_problem(people(40, seed=5), ATTRS, sizes=5)
    codes, K = _global_codes(prob, np.arange(40))
    grp = np.arange(40) % 8
    counts, S, Q, size = ck.build_counts(codes, prob.num, grp, 8, K)
    ptr = np.zeros(41, dtype=np.int64)
    idx, w = np.zeros(0, dtype=np.int64), np.zeros(0)
    f0 = score(prob, grp, 8)
    for i, j in [(0, 1), (3, 17), (9, 30)]:
        a, b = grp[i], grp[j]
        args = (prob.cat_weights, prob.num, prob.num_weights, counts, S, Q, size, grp, ptr, idx, w)
        gain = (
            ck._to_group(i, b, codes, *args)
            - ck._to_group(i, a, codes, *args)
            + ck._to_group(j, a, codes, *args)
            - ck._to_group(j, b, codes, *args)
            - 2 * ck._pair(i, j, codes, prob.cat_weights, prob.num, prob.num_weights, ptr, idx, w)
        )
        g2 = grp.copy()
        g2[i], g2[j] = b, a
        assert score(prob, g2, 8) - f0 == pytest.approx(gain)


def test_search_finds_brute_force_optimum():
    rs = np.random.default_rng(7)
    d = np.round(rs.uniform(0, 100, (9, 9)), 3)
    d = np.triu(d, 1)
    d = d + d.T
    opt = brute_best(d, [3, 3, 3])
    for method in ("tabu", "ils", "memetic"):
        _, f, _ = run_ils(d, [3, 3, 3], [3, 3, 3], seed=1, max_iterations=300, method=method)
        assert f == pytest.approx(opt)


def test_upper_bound_is_valid_and_tight():
    prob = build_problem(people(60, seed=2), ATTRS, sizes=5)
    alloc = allocate(prob, seed=0)
    ub = upper_bound(prob, alloc.groups, alloc.n_groups, [np.arange(60)])
    assert alloc.score <= ub + 1e-9
    assert alloc.score >= 0.97 * ub
    assert alloc.report["random_score"] < alloc.score


def test_counts_path_for_large_partition(monkeypatch):
    import groups.allocation.core as core

    monkeypatch.setattr(core, "MATRIX_MAX", 50)
    prob = build_problem(people(300, seed=4), ATTRS, sizes=5)
    alloc = allocate(prob, seed=3)
    assert alloc.info["partitions"][0]["path"] == "counts"
    assert np.all(np.bincount(alloc.groups) == 5)
    assert alloc.report["percent_of_upper_bound"] > 97.0
    assert alloc.score > alloc.report["random_score"]


def test_pair_maximising_sizes_matches_brute_force():
    import itertools

    from groups.allocation.search import pair_maximising_sizes

    lo, hi, n = [2, 3, 1, 4], [5, 4, 6, 6], 15
    best = max(
        sum(m * (m - 1) // 2 for m in ms)
        for ms in itertools.product(*[range(a, b + 1) for a, b in zip(lo, hi, strict=False)])
        if sum(ms) == n
    )
    sizes = pair_maximising_sizes(lo, hi, n)
    assert sizes.sum() == n and all(a <= m <= b for a, m, b in zip(lo, sizes, hi, strict=False))
    assert sum(m * (m - 1) // 2 for m in sizes) == best


def test_counts_path_progress_reports_scores(monkeypatch):
    import groups.allocation.core as core

    monkeypatch.setattr(core, "MATRIX_MAX", 50)
    calls = []
    prob = build_problem(people(120, seed=8), ATTRS, sizes=5)
    alloc = allocate(prob, seed=1, progress=lambda f, b: calls.append((f, b)))
    assert calls and all(np.isfinite(b) for _, b in calls)
    assert calls[-1][1] == pytest.approx(alloc.score, rel=1e-9)
