"""Numba kernels for attribute-based problems using per-group counts and sums.

No n x n matrix: memory is O(n * attributes + groups * categories), so
100,000 participants fit easily.

Per group k the state holds ``size[k]``, ``counts[k, c]`` (members with
global category code c) and, per numeric attribute u, ``S[k, u]`` (sum of
scaled values) and ``Q[k, u]`` (sum of squares).  The distance from person i
to the members of group k is then, exactly,

    sum_t w_t * (size_k - counts[k, code_it])
  + sum_u w_u * (size_k * x_iu**2 - 2 * x_iu * S[k, u] + Q[k, u])
  + sum of sparse pair weights between i and members of k

(i's own term cancels when i is in k), and the within-group sum of a group is
``sum_t w_t (C(m,2) - sum_c C(cnt_c,2)) + sum_u w_u (m Q_u - S_u**2)``.

Sparse pair weights (CSR ``ptr, idx, w``; both directions stored) carry the
keep-apart penalties and the repeated-pair penalties of multi-round
allocations.
"""

import numpy as np
from numba import njit

from .rng import randint, shuffle

_EPS = 1e-9


@njit(cache=True)
def build_counts(codes, X, grp, g, K):
    n = codes.shape[0]
    counts = np.zeros((g, K), dtype=np.int64)
    S = np.zeros((g, X.shape[1]))
    Q = np.zeros((g, X.shape[1]))
    size = np.zeros(g, dtype=np.int64)
    for i in range(n):
        k = grp[i]
        size[k] += 1
        for t in range(codes.shape[1]):
            counts[k, codes[i, t]] += 1
        for u in range(X.shape[1]):
            S[k, u] += X[i, u]
            Q[k, u] += X[i, u] * X[i, u]
    return counts, S, Q, size


@njit(cache=True, inline="always")
def _to_group(i, k, codes, cw, X, nw, counts, S, Q, size, grp, ptr, idx, pw):
    m = size[k]
    s = 0.0
    for t in range(codes.shape[1]):
        s += cw[t] * (m - counts[k, codes[i, t]])
    for u in range(X.shape[1]):
        x = X[i, u]
        s += nw[u] * (m * x * x - 2.0 * x * S[k, u] + Q[k, u])
    for e in range(ptr[i], ptr[i + 1]):
        if grp[idx[e]] == k and idx[e] != i:
            s += pw[e]
    return s


@njit(cache=True, inline="always")
def _pair(i, j, codes, cw, X, nw, ptr, idx, pw):
    s = 0.0
    for t in range(codes.shape[1]):
        if codes[i, t] != codes[j, t]:
            s += cw[t]
    for u in range(X.shape[1]):
        dx = X[i, u] - X[j, u]
        s += nw[u] * dx * dx
    for e in range(ptr[i], ptr[i + 1]):
        if idx[e] == j:
            s += pw[e]
    return s


@njit(cache=True)
def _move(i, b, codes, X, counts, S, Q, size, grp):
    a = grp[i]
    for t in range(codes.shape[1]):
        c = codes[i, t]
        counts[a, c] -= 1
        counts[b, c] += 1
    for u in range(X.shape[1]):
        x = X[i, u]
        S[a, u] -= x
        Q[a, u] -= x * x
        S[b, u] += x
        Q[b, u] += x * x
    size[a] -= 1
    size[b] += 1
    grp[i] = b


@njit(cache=True)
def objective_counts(codes, cw, X, nw, grp, g, K, ptr, idx, pw):
    """Exact objective from group counts/sums plus sparse pair weights."""
    counts, S, Q, size = build_counts(codes, X, grp, g, K)
    total = 0.0
    for k in range(g):
        m = size[k]
        pairs = m * (m - 1) / 2.0
        for t in range(codes.shape[1]):
            total += cw[t] * pairs
    # subtract same-category pairs per attribute: need the attribute of a code
    n = codes.shape[0]
    code_attr = -np.ones(K, dtype=np.int64)
    for i in range(n):
        for t in range(codes.shape[1]):
            code_attr[codes[i, t]] = t
    for k in range(g):
        for c in range(K):
            cnt = counts[k, c]
            if cnt > 1 and code_attr[c] >= 0:
                total -= cw[code_attr[c]] * cnt * (cnt - 1) / 2.0
        m = size[k]
        for u in range(X.shape[1]):
            total += nw[u] * (m * Q[k, u] - S[k, u] * S[k, u])
    for i in range(n):
        for e in range(ptr[i], ptr[i + 1]):
            j = idx[e]
            if j > i and grp[j] == grp[i]:
                total += pw[e]
    return total


@njit(cache=True)
def sampled_local_search(
    codes, cw, X, nw, grp, counts, S, Q, size, lo, hi, movable, ptr, idx, pw, rng, max_passes, n_cand, min_gain_share
):
    """Randomised descent: each pass visits every movable person once (random
    order), evaluates swaps with ``n_cand`` random partners (and one-moves to
    their groups when the size bounds leave room) and applies the best
    improving one.  Stops after ``max_passes`` passes or when a pass improves
    by less than ``min_gain_share`` of the current objective scale.

    When ``n_cand >= number of movable people`` every partner is examined.
    Returns (total gain, passes done).
    """
    m = movable.shape[0]
    order = movable.copy()
    total = 0.0
    passes = 0
    if m < 2:
        return total, passes
    full = n_cand >= m
    scale = 0.0
    for t in range(cw.shape[0]):
        scale += cw[t]
    for u in range(nw.shape[0]):
        scale += nw[u]
    for _ in range(max_passes):
        passes += 1
        shuffle(rng, order)
        pass_gain = 0.0
        for ii in range(m):
            i = order[ii]
            a = grp[i]
            dia = _to_group(i, a, codes, cw, X, nw, counts, S, Q, size, grp, ptr, idx, pw)
            best = _EPS
            bj = -1
            bmove = -1
            can_leave = size[a] > lo[a]
            ncand = m if full else n_cand
            for cc in range(ncand):
                j = order[cc] if full else movable[randint(rng, m)]
                b = grp[j]
                if b == a:
                    continue
                dib = _to_group(i, b, codes, cw, X, nw, counts, S, Q, size, grp, ptr, idx, pw)
                if can_leave and size[b] < hi[b]:
                    gain = dib - dia
                    if gain > best:
                        best = gain
                        bmove = b
                        bj = -1
                dja = _to_group(j, a, codes, cw, X, nw, counts, S, Q, size, grp, ptr, idx, pw)
                djb = _to_group(j, b, codes, cw, X, nw, counts, S, Q, size, grp, ptr, idx, pw)
                gain = dib - dia + dja - djb - 2.0 * _pair(i, j, codes, cw, X, nw, ptr, idx, pw)
                if gain > best:
                    best = gain
                    bj = j
                    bmove = -1
            if bj >= 0:
                b = grp[bj]
                _move(i, b, codes, X, counts, S, Q, size, grp)
                _move(bj, a, codes, X, counts, S, Q, size, grp)
                pass_gain += best
            elif bmove >= 0:
                _move(i, bmove, codes, X, counts, S, Q, size, grp)
                pass_gain += best
        total += pass_gain
        if pass_gain <= min_gain_share * scale * m:
            break
    return total, passes
