"""Numba kernels of the search over an explicit distance matrix.

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

Everything random comes from :mod:`groups.allocation.rng`, so a run is a
pure function of (input, seed, number of iterations).  The Python driver
(:func:`run_ils`) calls the kernel in chunks and checks the clock and the
progress callback between chunks only.
"""

import time

import numpy as np
from numba import njit

from .rng import make_state, randint, shuffle

# Gains below this are treated as zero: avoids cycling on rounding noise.
_EPS = 1e-9


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
                bestgain = _EPS
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
                if gain > _EPS:
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
    n = grp.shape[0]
    g = size.shape[0]
    queue = np.empty(g, dtype=np.int64)
    inq = np.zeros(g, dtype=np.bool_)
    head_tail = np.zeros(2, dtype=np.int64)
    if istate[1] == 0:
        # first call: descend from the initial solution
        order = np.arange(g)
        shuffle(rng, order)
        for k in order:
            _push(queue, inq, head_tail, k)
        fstate[0] += local_search(d, grp, DT, Dself, size, lo, hi, fixed, queue, inq, head_tail, rng)
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
        f = fstate[0]
        f += _perturb(d, grp, DT, Dself, size, lo, hi, movable, 1 + randint(rng, weak_max), queue, inq, head_tail, rng)
        f += local_search(d, grp, DT, Dself, size, lo, hi, fixed, queue, inq, head_tail, rng)
        if f >= fstate[0] - tol - _EPS:
            fstate[0] = f
            if f > fstate[1] + _EPS:
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
            # restart: strong perturbation of the best solution
            grp[:] = best_grp
            DT2, Dself2, size2 = build_state(d, grp, g)
            DT[:, :] = DT2
            Dself[:] = Dself2
            size[:] = size2
            f = fstate[1]
            f += _perturb(d, grp, DT, Dself, size, lo, hi, movable, strong, queue, inq, head_tail, rng)
            f += local_search(d, grp, DT, Dself, size, lo, hi, fixed, queue, inq, head_tail, rng)
            fstate[0] = f
            if f > fstate[1] + _EPS:
                fstate[1] = f
                best_grp[:] = grp
            istate[0] = 0
    # re-synchronise the incremental value with an exact sum (rounding drift)
    s = 0.0
    for v in range(n):
        s += Dself[v]
    fstate[0] = 0.5 * s


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


def run_ils(
    d,
    lo,
    hi,
    *,
    seed,
    time_limit=None,
    max_iterations=None,
    pinned=None,
    init=None,
    progress=None,
    method="auto",
    weak_max=3,
    restart_after=None,
    strong=None,
    tol=0.0,
    tenure=None,
    stall=None,
    target=None,
    n_cand=0,
):
    """Search for a high-value assignment of distance matrix ``d`` (maximise).

    ``lo``/``hi``: per-group size bounds (length g).  ``pinned``: forced group
    per element or -1.  ``init``: optional starting assignment.

    ``method``: ``"tabu"`` (descent, then tabu search over the full swap /
    one-move neighbourhood with restarts from a strongly perturbed best
    solution after ``stall`` non-improving iterations: the stronger method,
    O(n^2) per iteration), ``"ils"`` (iterated local search with weak
    perturbations: cheaper iterations, used for big matrices), ``"memetic"``
    (:func:`run_memetic`, no pins; measured weaker than tabu on MDGPLIB at
    equal work, kept as an option) or ``"auto"`` (tabu up to 600 elements).

    Stopping and determinism: the search stops after ``max_iterations``
    iterations (default :func:`default_iterations`) or when ``time_limit``
    seconds have passed, whichever comes first.  The clock is only read
    between chunks of iterations whose length is fixed in advance from n,
    so a run that stops on its iteration budget is exactly reproducible for
    a given seed; a run cut by the time limit returns the best solution
    found so far (which then depends on the machine speed).

    ``target``: stop as soon as the best value reaches it (an upper bound:
    nothing better exists); checked between chunks, so still deterministic.

    Returns ``(grp, objective, info)``.
    """
    d = np.ascontiguousarray(d, dtype=np.float64)
    n = d.shape[0]
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    g = lo.shape[0]
    if pinned is None:
        pinned = -np.ones(n, dtype=np.int64)
    pinned = np.asarray(pinned, dtype=np.int64)
    fixed = pinned >= 0
    movable = np.flatnonzero(~fixed).astype(np.int64)
    if method == "auto":
        method = "tabu" if n <= 600 else "ils"
    if method == "memetic":
        if np.any(fixed):
            raise ValueError("method 'memetic' does not support pinned elements")
        return run_memetic(
            d, lo, hi, seed=seed, time_limit=time_limit, max_iterations=max_iterations, progress=progress
        )
    rng = make_state(seed)
    t0 = time.perf_counter()
    if init is not None:
        grp = np.asarray(init, dtype=np.int64).copy()
    elif np.any(lo < hi):
        # varying sizes: start from the sizes with the most within-group pairs
        floor = np.maximum(lo, np.bincount(pinned[pinned >= 0], minlength=g))
        t = pair_maximising_sizes(floor, hi, n)
        grp = random_assignment(n, t, t, pinned, rng)
    else:
        grp = random_assignment(n, lo, hi, pinned, rng)
    if max_iterations is None:
        max_iterations = default_iterations(n, method)
    m = max(1, n // max(g, 1))  # typical group size
    if restart_after is None:
        restart_after = max(200, 4 * n)
    if strong is None:
        strong = max(15, n // 8)
    if tenure is None:
        tenure = (max(2, m // 4), max(2, m // 3))
    if stall is None:
        stall = 25 * n
    DT, Dself, size = build_state(d, grp, g)
    fstate = np.array([0.5 * Dself.sum(), 0.0])
    istate = np.zeros(2, dtype=np.int64)
    best_grp = grp.copy()
    if method == "tabu":
        # descent first (cheap), then tabu chunks of ~2e7 pair evaluations
        ils_chunk(
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
            0,
            weak_max,
            restart_after,
            strong,
            tol,
        )
        istate[:] = 0
        tabu_until = np.zeros(n, dtype=np.int64)
        per_it = n * n // 2 if not (0 < n_cand < n) else n_cand * n + n * g
        chunk = max(1, int(2e7 // max(per_it, 1)))
    else:
        chunk = max(1, int(200000 // max(n, 1)))
    done = 0
    restarts = 0
    while True:
        step = max(0, min(chunk, max_iterations - done))
        if method == "tabu":
            tabu_chunk(
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
                step,
                tenure[0],
                tenure[1],
                n_cand,
            )
            if istate[0] >= stall and movable.shape[0] >= 2:
                # restart: strong perturbation of the best solution, then descent
                restarts += 1
                grp[:] = best_grp
                DT, Dself, size = build_state(d, grp, g)
                queue = np.empty(g, dtype=np.int64)
                inq = np.zeros(g, dtype=np.bool_)
                ht = np.zeros(2, dtype=np.int64)
                _perturb(d, grp, DT, Dself, size, lo, hi, movable, strong, queue, inq, ht, rng)
                local_search(d, grp, DT, Dself, size, lo, hi, fixed, queue, inq, ht, rng)
                fstate[0] = 0.5 * Dself.sum()
                istate[0] = 0
                tabu_until[:] = 0
        else:
            ils_chunk(
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
                step,
                weak_max,
                restart_after,
                strong,
                tol,
            )
        done += step
        elapsed = time.perf_counter() - t0
        if progress is not None:
            frac = done / max_iterations
            if time_limit:
                frac = max(frac, elapsed / time_limit)
            progress(min(1.0, frac), float(fstate[1]))
        if target is not None and fstate[1] >= target - 1e-9 * max(1.0, abs(target)):
            stopped = "bound"
            break
        if done >= max_iterations or (time_limit is not None and elapsed >= time_limit):
            stopped = "iterations" if done >= max_iterations else "time"
            break
    info = {
        "method": method,
        "iterations": int(done),
        "restarts": restarts,
        "seconds": time.perf_counter() - t0,
        "stopped_by": stopped,
    }
    return best_grp, float(objective_matrix(d, best_grp)), info


def default_iterations(n: int, method: str = "tabu") -> int:
    """Deterministic iteration budget used when the caller gives none: a
    fraction of a second on one core for n up to a few hundred, about a
    second for n = 1,500 (attribute problems usually stop earlier, on their
    upper bound)."""
    if method == "tabu":
        return int(min(5000, max(500, 1e8 // max(n * n, 1))))
    return int(min(5000, max(300, 500000 // max(n, 1))))


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
                    if gain < best_gain - _EPS:
                        continue
                    if tabu_i and gain <= need + _EPS:
                        continue
                    if gain > best_gain + _EPS:
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
            thr = best_gain - _EPS
            jstart = 0 if use_cand else i + 1
            for j in range(jstart, n):
                gain = gi[grp[j]] + Da[j] - dself2[j] - 2.0 * row[j]
                if gain >= thr:
                    if (tabu_i or tabu_until[j] > it) and gain <= need + _EPS:
                        continue
                    if gain > best_gain + _EPS:
                        best_gain = gain
                        bi = i
                        bj = j
                        nties = 1
                    else:
                        nties += 1
                        if randint(rng, nties) == 0:
                            bi = i
                            bj = j
                    thr = best_gain - _EPS
        if bi < 0:
            break
        if bj >= 0:
            _apply_swap(d, grp, DT, Dself, bi, bj)
            tabu_until[bj] = it + tenure_min + randint(rng, tenure_span + 1)
        else:
            _apply_move(d, grp, DT, Dself, size, bi, -1 - bj)
        tabu_until[bi] = it + tenure_min + randint(rng, tenure_span + 1)
        f += best_gain
        if f > fstate[1] + _EPS:
            fstate[1] = f
            best_grp[:] = grp
            istate[0] = 0
        else:
            istate[0] += 1
    s = 0.0
    for v in range(n):
        s += Dself[v]
    fstate[0] = 0.5 * s


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


def _tabu_improve(d, lo, hi, fixed, grp, rng, budget, stall, tenure, deadline):
    """Descent + tabu search from ``grp`` until ``stall`` iterations without a
    new best, ``budget`` iterations or the deadline (checked between chunks
    of fixed length).  Returns (best assignment, best value, iterations)."""
    n = d.shape[0]
    g = lo.shape[0]
    grp = grp.copy()
    DT, Dself, size = build_state(d, grp, g)
    queue = np.empty(g, dtype=np.int64)
    inq = np.zeros(g, dtype=np.bool_)
    ht = np.zeros(2, dtype=np.int64)
    for k in range(g):
        _push(queue, inq, ht, k)
    local_search(d, grp, DT, Dself, size, lo, hi, fixed, queue, inq, ht, rng)
    f = 0.5 * Dself.sum()
    fstate = np.array([f, f])
    istate = np.zeros(2, dtype=np.int64)
    best = grp.copy()
    tabu_until = np.zeros(n, dtype=np.int64)
    chunk = max(1, min(stall, int(2e7 // max(n * n // 2, 1))))
    done = 0
    while done < budget and istate[0] < stall:
        step = min(chunk, budget - done)
        tabu_chunk(
            d, lo, hi, fixed, grp, DT, Dself, size, best, fstate, istate, tabu_until, rng, step, tenure[0], tenure[1]
        )
        done += step
        if deadline is not None and time.perf_counter() >= deadline:
            break
    return best, float(fstate[1]), done


def run_memetic(
    d,
    lo,
    hi,
    *,
    seed,
    time_limit=None,
    max_iterations=None,
    progress=None,
    pop_size=4,
    stall=None,
    tenure=None,
    threads=2,
):
    """Memetic search (population + crossover + tabu improvement), in the
    spirit of TPSDP (Yang et al. 2022) and hybrid evolutionary MDGP methods.

    A pool of ``pop_size`` solutions improved by tabu search; then, each
    generation, ``threads`` children are bred from random parent pairs by
    :func:`crossover`, improved by tabu search in parallel threads (the
    numba kernels release the GIL) until ``stall`` iterations without a new
    best, and each replaces the worst pool member when better and not a
    duplicate (in a fixed order).  Every child has its own random stream
    derived from (seed, child number), so the result does not depend on
    thread timing: it is deterministic for a given seed when the run ends on
    ``max_iterations`` (tabu iterations); ``time_limit`` is checked between
    chunks.  Without pins only.  Returns ``(grp, objective, info)``.
    """
    from concurrent.futures import ThreadPoolExecutor

    d = np.ascontiguousarray(d, dtype=np.float64)
    n = d.shape[0]
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    g = lo.shape[0]
    m = max(1, n // max(g, 1))
    if tenure is None:
        tenure = (max(2, m // 4), max(2, m // 3))
    if stall is None:
        stall = 10 * n
    if max_iterations is None:
        max_iterations = default_iterations(n, "tabu")
    threads = max(1, int(threads))
    rng = make_state(seed)
    t0 = time.perf_counter()
    deadline = None if time_limit is None else t0 + time_limit
    fixed = np.zeros(n, dtype=np.bool_)
    nopin = -np.ones(n, dtype=np.int64)
    pool, vals = [], []
    state = {"done": 0, "children": 0}

    def out_of_budget():
        return state["done"] >= max_iterations or (deadline is not None and time.perf_counter() >= deadline)

    def improve(start, crng, budget):
        return _tabu_improve(d, lo, hi, fixed, start, crng, budget, stall, tenure, deadline)

    ex = ThreadPoolExecutor(threads) if threads > 1 else None
    try:
        while not out_of_budget():
            starts = []
            for _ in range(threads):
                crng = make_state(seed * 1_000_003 + 104_729 * (state["children"] + 1))
                state["children"] += 1
                if len(pool) < pop_size:
                    starts.append((random_assignment(n, lo, hi, nopin, crng), crng))
                else:
                    a = randint_py(rng, len(pool))
                    b = randint_py(rng, len(pool) - 1)
                    b = b + 1 if b >= a else b
                    starts.append((crossover(d, pool[a], pool[b], lo, hi, crng), crng))
            budget = max(1, (max_iterations - state["done"]) // len(starts))
            if ex is None:
                results = [improve(s, r, budget) for s, r in starts]
            else:
                results = list(ex.map(lambda sr, b=budget: improve(sr[0], sr[1], b), starts))
            for best, f, it in results:
                state["done"] += it
                if len(pool) < pop_size:
                    pool.append(best)
                    vals.append(f)
                    continue
                worst = int(np.argmin(vals))
                if f > vals[worst] + _EPS and all(abs(f - v) > 1e-6 for v in vals):
                    pool[worst] = best
                    vals[worst] = f
            if progress is not None:
                frac = state["done"] / max_iterations
                if time_limit:
                    frac = max(frac, (time.perf_counter() - t0) / time_limit)
                progress(min(1.0, frac), float(max(vals)))
    finally:
        if ex is not None:
            ex.shutdown()
    k = int(np.argmax(vals))
    info = {
        "method": "memetic",
        "iterations": int(state["done"]),
        "offspring": state["children"],
        "threads": threads,
        "seconds": time.perf_counter() - t0,
        "stopped_by": "iterations" if state["done"] >= max_iterations else "time",
    }
    return pool[k], float(objective_matrix(d, pool[k])), info


def randint_py(state, n):
    return int(_randint_kernel(state, n))


@njit(cache=True, nogil=True)
def _randint_kernel(state, n):
    return randint(state, n)


def pair_maximising_sizes(lo, hi, n):
    """Group sizes within ``lo..hi`` adding up to n with the most within-group
    pairs (sum of C(m_k, 2)), by dynamic programming over the groups.

    The objective sums pair distances, so when sizes may vary ("ds") the
    number of pairs dominates.  sum C(m, 2) is convex: the best size vector
    is extreme and hard to reach by one-moves (every intermediate step loses
    pairs), so the search starts from it (measured on RanReal_n120_ds_01,
    8 seeds, equal budget: 99.89 % of the best known value instead of
    99.57 % from random sizes).  Bounds must be satisfiable.
    """
    lo = np.asarray(lo, dtype=np.int64)
    hi = np.asarray(hi, dtype=np.int64)
    g = len(lo)
    best = np.full(n + 1, -1, dtype=np.int64)
    best[0] = 0
    choice = np.zeros((g, n + 1), dtype=np.int64)
    for k in range(g):
        nb = np.full(n + 1, -1, dtype=np.int64)
        for s in np.flatnonzero(best >= 0):
            for m in range(int(lo[k]), int(hi[k]) + 1):
                t = s + m
                if t > n:
                    break
                v = best[s] + m * (m - 1) // 2
                if v > nb[t]:
                    nb[t] = v
                    choice[k, t] = m
        best = nb
    if best[n] < 0:
        raise ValueError("size bounds cannot hold the elements")
    sizes = np.zeros(g, dtype=np.int64)
    s = n
    for k in range(g - 1, -1, -1):
        sizes[k] = choice[k, s]
        s -= sizes[k]
    return sizes
