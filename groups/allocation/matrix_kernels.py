"""Numba kernels of the search over an explicit distance matrix.

The Python objects that drive them in chunks are in
:mod:`groups.allocation.matrix_search`.

The state of a solution is kept as

* ``grp[i]``      group of element i,
* ``size[k]``     number of elements in group k,
* ``DT[k, v]``    sum of distances from element v to the members of group k
                  (a g x n array: group-major so that the O(n) update after a
                  move walks contiguous memory),
* ``Dself[v]``    ``DT[grp[v], v]``, i.e. the contribution of v to its own group.

With it a one-move (i: a -> b) is evaluated in O(1) as ``DT[b,i] - DT[a,i]``
and a swap (i in a, j in b) as
``DT[b,i] - DT[a,i] + DT[a,j] - DT[b,j] - 2 d[i,j]``; applying a move costs
O(n).  The objective is ``0.5 * sum(Dself)``.

The metaheuristic is an iterated local search in the spirit of Iterated
Maxima Search (Lai & Hao 2016):

* descent with first improvement over the one-move (only when size bounds
  leave room) and swap neighbourhoods.  A *dirty group* queue restricts the
  descent after a perturbation to pairs that touch a group whose membership
  changed: the gain of a pair of elements in two untouched groups cannot
  have changed, and before the perturbation it was not improving;
* weak perturbation (a few random swaps / moves), descent, and acceptance
  of the new local optimum when it is not worse than the current one
  (plateaus are crossed, worse optima rejected);
* after ``restart_after`` iterations without a new best, a strong
  perturbation of the best solution (restart).

The tabu search (:func:`tabu_chunk`, the default up to 600 elements) uses
the same state and restarts, like the ILS, from a strongly perturbed best
solution (:func:`restart_from_best`).

Everything random comes from :mod:`groups.allocation.rng`, so a run is a
pure function of (input, seed, number of iterations).
"""

import numpy as np
from numba import njit

from .rng import randint, shuffle

# Gains below this are treated as zero: avoids cycling on rounding noise.
EPS = 1e-9


@njit(cache=True, nogil=True)
def build_state(d, grp, g):
    """Return (DT, Dself, size) for assignment ``grp`` (O(n^2))."""
    n = d.shape[0]
    DT = np.zeros((g, n))
    size = np.zeros(g, dtype=np.int64)
    for i in range(n):
        a = grp[i]
        size[a] += 1
        row = d[i]
        out = DT[a]
        for v in range(n):
            out[v] += row[v]
    Dself = np.empty(n)
    for v in range(n):
        Dself[v] = DT[grp[v], v]
    return DT, Dself, size


@njit(cache=True, nogil=True)
def objective_matrix(d, grp):
    """Sum over groups of the distances between every pair of members."""
    n = d.shape[0]
    s = 0.0
    for i in range(n):
        gi = grp[i]
        row = d[i]
        for j in range(i + 1, n):
            if grp[j] == gi:
                s += row[j]
    return s


@njit(cache=True, nogil=True)
def _apply_move(d, grp, DT, Dself, size, i, b):
    a = grp[i]
    row = d[i]
    n = grp.shape[0]
    Da = DT[a]
    Db = DT[b]
    for v in range(n):
        x = row[v]
        Da[v] -= x
        Db[v] += x
    grp[i] = b
    size[a] -= 1
    size[b] += 1
    for v in range(n):
        Dself[v] = DT[grp[v], v]


@njit(cache=True, nogil=True)
def _apply_swap(d, grp, DT, Dself, i, j):
    a = grp[i]
    b = grp[j]
    ri = d[i]
    rj = d[j]
    n = grp.shape[0]
    Da = DT[a]
    Db = DT[b]
    for v in range(n):
        x = rj[v] - ri[v]
        Da[v] += x
        Db[v] -= x
    grp[i] = b
    grp[j] = a
    for v in range(n):
        Dself[v] = DT[grp[v], v]


@njit(cache=True, nogil=True)
def _push(queue, inq, head_tail, k):
    # circular FIFO of dirty groups, capacity g (a group is in it at most once)
    if not inq[k]:
        g = queue.shape[0]
        queue[head_tail[1] % g] = k
        head_tail[1] += 1
        inq[k] = True


@njit(cache=True, nogil=True)
def local_search(d, grp, DT, Dself, size, lo, hi, fixed, queue, inq, head_tail, rng):
    """Descent (first improvement) over one-moves and swaps.

    Only groups in the dirty queue are scanned (see module docstring).
    Returns the total gain.
    """
    n = grp.shape[0]
    g = size.shape[0]
    gi = np.empty(g)
    total = 0.0
    while head_tail[0] < head_tail[1]:
        a = queue[head_tail[0] % g]
        head_tail[0] += 1
        inq[a] = False
        improved = False
        start = randint(rng, n)
        for ii in range(n):
            i = ii + start
            if i >= n:
                i -= n
            if grp[i] != a or fixed[i]:
                continue
            base = Dself[i]
            for b in range(g):
                gi[b] = DT[b, i] - base
            # one-move: best target group with room (only if sizes allow)
            if size[a] > lo[a]:
                bestb = -1
                bestgain = EPS
                for b in range(g):
                    if b != a and size[b] < hi[b] and gi[b] > bestgain:
                        bestgain = gi[b]
                        bestb = b
                if bestb >= 0:
                    _apply_move(d, grp, DT, Dself, size, i, bestb)
                    total += bestgain
                    _push(queue, inq, head_tail, bestb)
                    improved = True
                    continue
            # swap: first improving partner, scanning from a random offset
            Da = DT[a]
            row = d[i]
            js = randint(rng, n)
            for jj in range(n):
                j = jj + js
                if j >= n:
                    j -= n
                b = grp[j]
                if b == a or fixed[j]:
                    continue
                gain = gi[b] + Da[j] - Dself[j] - 2.0 * row[j]
                if gain > EPS:
                    _apply_swap(d, grp, DT, Dself, i, j)
                    total += gain
                    _push(queue, inq, head_tail, b)
                    improved = True
                    break
        if improved:
            _push(queue, inq, head_tail, a)
    return total


@njit(cache=True, nogil=True)
def _perturb(d, grp, DT, Dself, size, lo, hi, movable, strength, queue, inq, head_tail, rng):
    """Apply ``strength`` random swaps / moves; return the (signed) gain."""
    m = movable.shape[0]
    total = 0.0
    done = 0
    tries = 0
    while done < strength and tries < 20 * strength + 100:
        tries += 1
        i = movable[randint(rng, m)]
        j = movable[randint(rng, m)]
        a = grp[i]
        b = grp[j]
        if a == b:
            continue
        # a one-move instead of a swap when the size bounds allow it
        if size[a] > lo[a] and size[b] < hi[b] and randint(rng, 2) == 0:
            total += DT[b, i] - Dself[i]
            _apply_move(d, grp, DT, Dself, size, i, b)
        else:
            total += DT[b, i] - Dself[i] + DT[a, j] - Dself[j] - 2.0 * d[i, j]
            _apply_swap(d, grp, DT, Dself, i, j)
        _push(queue, inq, head_tail, a)
        _push(queue, inq, head_tail, b)
        done += 1
    return total


@njit(cache=True, nogil=True)
def half_sum(Dself):
    """The objective from the state, ``0.5 * sum(Dself)``, summed in order."""
    s = 0.0
    for v in range(Dself.shape[0]):
        s += Dself[v]
    return 0.5 * s


@njit(cache=True, nogil=True)
def descend_all(d, grp, DT, Dself, size, lo, hi, fixed, rng, shuffled):
    """Descent with every group dirty (from a new solution); returns the gain.

    ``shuffled``: queue the groups in a random order instead of 0..g-1.
    """
    g = size.shape[0]
    queue = np.empty(g, dtype=np.int64)
    inq = np.zeros(g, dtype=np.bool_)
    head_tail = np.zeros(2, dtype=np.int64)
    order = np.arange(g)
    if shuffled:
        shuffle(rng, order)
    for k in order:
        _push(queue, inq, head_tail, k)
    return local_search(d, grp, DT, Dself, size, lo, hi, fixed, queue, inq, head_tail, rng)


@njit(cache=True, nogil=True)
def _kick(d, grp, DT, Dself, size, lo, hi, fixed, movable, strength, queue, inq, head_tail, rng, f):
    """Perturb (``strength`` random swaps / moves), then descend from the
    touched groups; returns ``f`` plus both gains."""
    f += _perturb(d, grp, DT, Dself, size, lo, hi, movable, strength, queue, inq, head_tail, rng)
    f += local_search(d, grp, DT, Dself, size, lo, hi, fixed, queue, inq, head_tail, rng)
    return f


@njit(cache=True, nogil=True)
def restart_from_best(d, grp, best_grp, DT, Dself, size, lo, hi, fixed, movable, strength, rng, f_best):
    """Restart: the current solution becomes the best one strongly perturbed,
    then improved by descent.  Returns its value, ``f_best`` plus the gains."""
    g = size.shape[0]
    grp[:] = best_grp
    DT2, Dself2, size2 = build_state(d, grp, g)
    DT[:, :] = DT2
    Dself[:] = Dself2
    size[:] = size2
    queue = np.empty(g, dtype=np.int64)
    inq = np.zeros(g, dtype=np.bool_)
    head_tail = np.zeros(2, dtype=np.int64)
    return _kick(d, grp, DT, Dself, size, lo, hi, fixed, movable, strength, queue, inq, head_tail, rng, f_best)


@njit(cache=True, nogil=True)
def ils_chunk(
    d,
    lo,
    hi,
    fixed,
    movable,
    grp,
    DT,
    Dself,
    size,
    best_grp,
    fstate,
    istate,
    rng,
    n_iters,
    weak_max,
    restart_after,
    strong,
    tol,
):
    """Run ``n_iters`` iterations of the iterated local search.

    ``fstate = [current f, best f]`` and ``istate = [iterations since best
    improved, iterations done]`` carry the search between chunks.
    """
    g = size.shape[0]
    queue = np.empty(g, dtype=np.int64)
    inq = np.zeros(g, dtype=np.bool_)
    head_tail = np.zeros(2, dtype=np.int64)
    if istate[1] == 0:
        # first call: descend from the initial solution
        fstate[0] += descend_all(d, grp, DT, Dself, size, lo, hi, fixed, rng, True)
        fstate[1] = fstate[0]
        best_grp[:] = grp
    if movable.shape[0] < 2:
        istate[1] += n_iters
        return
    s_grp = grp.copy()
    s_DT = DT.copy()
    s_Dself = Dself.copy()
    s_size = size.copy()
    for _ in range(n_iters):
        istate[1] += 1
        s_grp[:] = grp
        s_DT[:, :] = DT
        s_Dself[:] = Dself
        s_size[:] = size
        weak = 1 + randint(rng, weak_max)
        f = _kick(d, grp, DT, Dself, size, lo, hi, fixed, movable, weak, queue, inq, head_tail, rng, fstate[0])
        if f >= fstate[0] - tol - EPS:
            fstate[0] = f
            if f > fstate[1] + EPS:
                fstate[1] = f
                best_grp[:] = grp
                istate[0] = 0
            else:
                istate[0] += 1
        else:
            grp[:] = s_grp
            DT[:, :] = s_DT
            Dself[:] = s_Dself
            size[:] = s_size
            istate[0] += 1
        if istate[0] >= restart_after:
            # restart: strong perturbation of the best solution, then descent
            f = restart_from_best(d, grp, best_grp, DT, Dself, size, lo, hi, fixed, movable, strong, rng, fstate[1])
            fstate[0] = f
            if f > fstate[1] + EPS:
                fstate[1] = f
                best_grp[:] = grp
            istate[0] = 0
    # re-synchronise the incremental value with an exact sum (rounding drift)
    fstate[0] = half_sum(Dself)


@njit(cache=True, nogil=True)
def tabu_chunk(
    d,
    lo,
    hi,
    fixed,
    grp,
    DT,
    Dself,
    size,
    best_grp,
    fstate,
    istate,
    tabu_until,
    rng,
    n_iters,
    tenure_min,
    tenure_span,
    n_cand=0,
):
    """Tabu search: every iteration applies the best non-tabu swap / one-move
    (even a worsening one); moved elements stay tabu for a random tenure.
    Aspiration: a tabu move is allowed when it gives a new best solution.

    ``fstate = [current f, best f]``, ``istate = [iterations since best
    improved, iteration counter]``, ``tabu_until[i]`` iteration until which i
    may not move.  The inner loop is branch-light: the own group gets a
    gain of -inf and fixed elements an own-contribution of +inf, so only
    candidates beating the current best reach the tabu test.
    """
    n = grp.shape[0]
    g = size.shape[0]
    gi = np.empty(g)
    dself2 = np.empty(n)
    f = fstate[0]
    has_ds = False
    for k in range(g):
        if lo[k] < hi[k]:
            has_ds = True
    use_cand = n_cand > 0 and n_cand < n
    score = np.empty(n)
    cand = np.arange(n)
    for _ in range(n_iters):
        it = istate[1]
        istate[1] += 1
        for v in range(n):
            dself2[v] = np.inf if fixed[v] else Dself[v]
        best_gain = -np.inf
        bi = -1
        bj = -1
        nties = 0
        need = fstate[1] - f  # a gain above this gives a new best
        n_i = n - 1
        if use_cand:
            # candidate list: the n_cand elements that would gain most by
            # leaving their group (best one-move gain ignoring sizes); every
            # swap partner j is still examined for them
            for v in range(n):
                a = grp[v]
                m = -np.inf
                for b in range(g):
                    if b != a and DT[b, v] > m:
                        m = DT[b, v]
                score[v] = -np.inf if fixed[v] else m - Dself[v]
            cand = np.argsort(-score)[:n_cand]
            n_i = n_cand
        for ii in range(n_i):
            i = cand[ii] if use_cand else ii
            if fixed[i]:
                continue
            a = grp[i]
            base = Dself[i]
            for b in range(g):
                gi[b] = DT[b, i] - base
            tabu_i = tabu_until[i] > it
            if has_ds and size[a] > lo[a]:
                for b in range(g):
                    if b == a or size[b] >= hi[b]:
                        continue
                    gain = gi[b]
                    if gain < best_gain - EPS:
                        continue
                    if tabu_i and gain <= need + EPS:
                        continue
                    if gain > best_gain + EPS:
                        best_gain = gain
                        bi = i
                        bj = -1 - b
                        nties = 1
                    else:
                        nties += 1
                        if randint(rng, nties) == 0:
                            bi = i
                            bj = -1 - b
            gi[a] = -np.inf
            Da = DT[a]
            row = d[i]
            thr = best_gain - EPS
            jstart = 0 if use_cand else i + 1
            for j in range(jstart, n):
                gain = gi[grp[j]] + Da[j] - dself2[j] - 2.0 * row[j]
                if gain >= thr:
                    if (tabu_i or tabu_until[j] > it) and gain <= need + EPS:
                        continue
                    if gain > best_gain + EPS:
                        best_gain = gain
                        bi = i
                        bj = j
                        nties = 1
                    else:
                        nties += 1
                        if randint(rng, nties) == 0:
                            bi = i
                            bj = j
                    thr = best_gain - EPS
        if bi < 0:
            break
        if bj >= 0:
            _apply_swap(d, grp, DT, Dself, bi, bj)
            tabu_until[bj] = it + tenure_min + randint(rng, tenure_span + 1)
        else:
            _apply_move(d, grp, DT, Dself, size, bi, -1 - bj)
        tabu_until[bi] = it + tenure_min + randint(rng, tenure_span + 1)
        f += best_gain
        if f > fstate[1] + EPS:
            fstate[1] = f
            best_grp[:] = grp
            istate[0] = 0
        else:
            istate[0] += 1
    fstate[0] = half_sum(Dself)


@njit(cache=True, nogil=True)
def random_assignment(n, lo, hi, pinned, rng):
    """Random assignment with ``lo[k] <= size[k] <= hi[k]`` and pins.

    ``pinned[i]`` is the forced group of i or -1.  Free elements first fill
    every group up to its minimum, the rest go to random groups with room.
    The caller has checked that the bounds are satisfiable.
    """
    g = lo.shape[0]
    grp = -np.ones(n, dtype=np.int64)
    size = np.zeros(g, dtype=np.int64)
    free = []
    for i in range(n):
        if pinned[i] >= 0:
            grp[i] = pinned[i]
            size[pinned[i]] += 1
        else:
            free.append(i)
    order = np.array(free, dtype=np.int64)
    shuffle(rng, order)
    pos = 0
    slots = []
    for k in range(g):
        for _ in range(max(0, lo[k] - size[k])):
            slots.append(k)
    sl = np.array(slots, dtype=np.int64)
    shuffle(rng, sl)
    for k in sl:
        grp[order[pos]] = k
        size[k] += 1
        pos += 1
    while pos < order.shape[0]:
        # groups with spare room, chosen uniformly
        k = randint(rng, g)
        if size[k] < hi[k]:
            grp[order[pos]] = k
            size[k] += 1
            pos += 1
    return grp


@njit(cache=True, nogil=True)
def crossover(d, p1, p2, lo, hi, rng):
    """Group-based crossover: alternately take from each parent the group
    whose still-unplaced members have the largest mean pair distance,
    then place the leftovers where they add the most, filling groups below
    their minimum first.  (Group labels are arbitrary, so only without pins.)
    """
    n = p1.shape[0]
    g = lo.shape[0]
    child = -np.ones(n, dtype=np.int64)
    size = np.zeros(g, dtype=np.int64)
    used1 = np.zeros(g, dtype=np.bool_)
    used2 = np.zeros(g, dtype=np.bool_)
    slot_order = np.arange(g)
    shuffle(rng, slot_order)
    first = randint(rng, 2)
    for step in range(g):
        target = slot_order[step]
        use1 = (step + first) % 2 == 0
        par = p1 if use1 else p2
        used = used1 if use1 else used2
        bestk = -1
        bestv = -1.0
        for k in range(g):
            if used[k]:
                continue
            s = 0.0
            c = 0
            for i in range(n):
                if par[i] == k and child[i] < 0:
                    c += 1
                    for j in range(i + 1, n):
                        if par[j] == k and child[j] < 0:
                            s += d[i, j]
            v = s / c if c > 0 else 0.0
            if v > bestv:
                bestv = v
                bestk = k
        used[bestk] = True
        for i in range(n):
            if par[i] == bestk and child[i] < 0 and size[target] < hi[target]:
                child[i] = target
                size[target] += 1
    # leftovers: groups below their minimum first, then best gain with room
    left = np.flatnonzero(child < 0)
    shuffle(rng, left)
    for i in left:
        deficit = False
        for k in range(g):
            if size[k] < lo[k]:
                deficit = True
        bestk = -1
        bestv = -np.inf
        for k in range(g):
            if size[k] >= hi[k] or (deficit and size[k] >= lo[k]):
                continue
            s = 0.0
            for j in range(n):
                if child[j] == k:
                    s += d[i, j]
            if s > bestv:
                bestv = s
                bestk = k
        child[i] = bestk
        size[bestk] += 1
    # repair groups still below their minimum (moves from groups above it)
    for k in range(g):
        while size[k] < lo[k]:
            for j in range(n):
                b = child[j]
                if b != k and size[b] > lo[b]:
                    child[j] = k
                    size[b] -= 1
                    size[k] += 1
                    break
    return child


@njit(cache=True, nogil=True)
def randint_kernel(state, n):
    """:func:`groups.allocation.rng.randint` for Python callers."""
    return randint(state, n)
