"""Compile the allocator's numba kernels ahead of the first real run.

Kernels are compiled on first use and cached on disk (``cache=True``, in
``__pycache__`` or ``NUMBA_CACHE_DIR``).  In a fresh checkout that first use
costs tens of seconds; :func:`warm_up` pays it at install or start time, on
small problems that take every path the product takes (pair matrix and
counts representations, categorical and numeric attributes, keep-together
sets, staff, pair penalties of multi-round runs), so that later processes
only load the cache."""

import time

import numpy as np

from .api import build_problem
from .core import allocate
from .rounds import allocate_rounds


def _people(n: int, rng) -> list[dict]:
    return [
        {
            "id": i,
            "gender": str(rng.integers(3)),
            "region": str(rng.integers(5)),
            "age": int(rng.integers(6)),
            "language": "en" if i % 4 else "fr",
        }
        for i in range(n)
    ]


def warm_up() -> float:
    """Run the kernels once on small inputs; returns the seconds it took."""
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    people = _people(40, rng)
    staff = [{"id": f"s{i}", "roles": ("facilitator",), "language": ("en", "fr")} for i in range(4)]
    for attributes in (
        [("gender", "categorical", 1.0), ("region", "categorical", 1.0)],
        [("gender", "categorical", 1.0), ("age", "numeric", 1.0)],
    ):
        problem = build_problem(people, attributes, keep_together=["language"], staff=staff, sizes=5)
        allocate(problem, seed=1, time_limit=10)
        allocate_rounds(problem, 2, seed=1, time_limit=10)
        # the representation of large sets (counts and sums), on a small one
        allocate(problem, seed=1, time_limit=10, search_options={"representation": "counts"})
        problem = build_problem(people, attributes, keep_apart=[(0, 1)], sizes=5)
        allocate(problem, seed=1, time_limit=10, search_options={"representation": "counts"})
    return time.perf_counter() - started


def warm_up_in_background() -> None:
    """Warm up in a daemon thread, so that a server starts answering at once."""
    import threading

    threading.Thread(target=warm_up, name="allocator-warm-up", daemon=True).start()
