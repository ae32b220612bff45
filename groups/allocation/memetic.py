"""Memetic search over a distance matrix: a small population, crossover of
groups and tabu improvement of every child.  An option of
:func:`groups.allocation.search.run_ils` (``method="memetic"``), measured
weaker than the plain tabu search on MDGPLIB at equal work (see
``docs/benchmarks-allocation.md``)."""

import time

import numpy as np

from .matrix_kernels import EPS, crossover, objective_matrix, randint_kernel, random_assignment
from .matrix_search import TabuSearch, default_iterations
from .rng import make_state


def _tabu_improve(d, lo, hi, fixed, grp, rng, budget, stall, tenure, deadline):
    """Descent + tabu search from ``grp`` until ``stall`` iterations without a
    new best, ``budget`` iterations or the deadline (checked between chunks
    of fixed length).  Returns (best assignment, best value, iterations)."""
    movable = np.flatnonzero(~fixed).astype(np.int64)
    search = TabuSearch(d, lo, hi, fixed, movable, grp.copy(), rng, tenure=tenure, shuffle_groups=False)
    chunk = max(1, min(stall, search.chunk))
    done = 0
    while done < budget and search.stalled < stall:
        step = min(chunk, budget - done)
        search.iterate(step)
        done += step
        if deadline is not None and time.perf_counter() >= deadline:
            break
    return search.best, search.best_value, done


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
                    a = int(randint_kernel(rng, len(pool)))
                    b = int(randint_kernel(rng, len(pool) - 1))
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
                if f > vals[worst] + EPS and all(abs(f - v) > 1e-6 for v in vals):
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
