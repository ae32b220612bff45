"""The two searches over a distance matrix, as objects driven in chunks.

:class:`TabuSearch` and :class:`IteratedLocalSearch` hold a solution, the
best one found and the incremental state of :mod:`groups.allocation.matrix_kernels`
between calls of their kernel, so that the drivers (:func:`groups.allocation.search.run_ils`,
:func:`groups.allocation.memetic.run_memetic`) read the clock and report
progress between chunks of a length fixed in advance (determinism).
"""

import numpy as np

from .matrix_kernels import build_state, descend_all, half_sum, ils_chunk, restart_from_best, tabu_chunk


class TabuSearch:
    """Descent from ``grp`` (changed in place), then tabu search on demand.

    ``tenure = (minimum, span)`` of the random tabu tenure; ``n_cand > 0``
    restricts each iteration to a candidate list of that many elements;
    ``shuffle_groups``: the first descent visits the groups in random order.
    """

    def __init__(self, d, lo, hi, fixed, movable, grp, rng, *, tenure, n_cand=0, shuffle_groups=True):
        self.d, self.lo, self.hi, self.fixed, self.movable, self.grp, self.rng = d, lo, hi, fixed, movable, grp, rng
        self.tenure, self.n_cand = tenure, n_cand
        n, g = d.shape[0], lo.shape[0]
        self.DT, self.Dself, self.size = build_state(d, grp, g)
        f = 0.5 * self.Dself.sum()
        f += descend_all(d, grp, self.DT, self.Dself, self.size, lo, hi, fixed, rng, shuffle_groups)
        # fstate = [current value, best value], istate = [iterations since a new best, iterations]
        self.fstate = np.array([half_sum(self.Dself), f])
        self.istate = np.zeros(2, dtype=np.int64)
        self.best = grp.copy()
        self.tabu_until = np.zeros(n, dtype=np.int64)
        per_it = n * n // 2 if not (0 < n_cand < n) else n_cand * n + n * g
        # chunks of about 2e7 pair evaluations
        self.chunk = max(1, int(2e7 // max(per_it, 1)))

    @property
    def best_value(self):
        return float(self.fstate[1])

    @property
    def stalled(self):
        """Iterations since the last new best."""
        return int(self.istate[0])

    def iterate(self, iterations):
        tabu_chunk(
            self.d,
            self.lo,
            self.hi,
            self.fixed,
            self.grp,
            self.DT,
            self.Dself,
            self.size,
            self.best,
            self.fstate,
            self.istate,
            self.tabu_until,
            self.rng,
            iterations,
            self.tenure[0],
            self.tenure[1],
            self.n_cand,
        )

    def restart(self, strength):
        """Continue from the best solution perturbed by ``strength`` random
        swaps / moves and a descent, with no element tabu."""
        restart_from_best(
            self.d,
            self.grp,
            self.best,
            self.DT,
            self.Dself,
            self.size,
            self.lo,
            self.hi,
            self.fixed,
            self.movable,
            strength,
            self.rng,
            self.fstate[1],
        )
        self.fstate[0] = 0.5 * self.Dself.sum()
        self.istate[0] = 0
        self.tabu_until[:] = 0


class IteratedLocalSearch:
    """Iterated local search from ``grp`` (changed in place): weak
    perturbations of 1..``weak_max`` swaps / moves, acceptance within ``tol``,
    a restart after ``restart_after`` iterations without a new best."""

    def __init__(self, d, lo, hi, fixed, movable, grp, rng, *, weak_max, restart_after, strong, tol):
        self.d, self.lo, self.hi, self.fixed, self.movable, self.grp, self.rng = d, lo, hi, fixed, movable, grp, rng
        self.weak_max, self.restart_after, self.strong, self.tol = weak_max, restart_after, strong, tol
        n, g = d.shape[0], lo.shape[0]
        self.DT, self.Dself, self.size = build_state(d, grp, g)
        self.fstate = np.array([0.5 * self.Dself.sum(), 0.0])
        self.istate = np.zeros(2, dtype=np.int64)
        self.best = grp.copy()
        self.chunk = max(1, int(200000 // max(n, 1)))

    @property
    def best_value(self):
        return float(self.fstate[1])

    def iterate(self, iterations):
        """Run ``iterations`` iterations (the first call descends first)."""
        ils_chunk(
            self.d,
            self.lo,
            self.hi,
            self.fixed,
            self.movable,
            self.grp,
            self.DT,
            self.Dself,
            self.size,
            self.best,
            self.fstate,
            self.istate,
            self.rng,
            iterations,
            self.weak_max,
            self.restart_after,
            self.strong,
            self.tol,
        )


def default_iterations(n: int, method: str = "tabu") -> int:
    """Deterministic iteration budget used when the caller gives none: a
    fraction of a second on one core for n up to a few hundred, about a
    second for n = 1,500 (attribute problems usually stop earlier, on their
    upper bound)."""
    if method == "tabu":
        return int(min(5000, max(500, 1e8 // max(n * n, 1))))
    return int(min(5000, max(300, 500000 // max(n, 1))))
