"""Tiny deterministic random number generator usable inside numba kernels.

Why not ``np.random`` inside ``@njit``?  Numba keeps one hidden global random
state per thread.  Two allocations running one after the other in the same
worker thread (a Celery pool, the test-suite) would then influence each other,
and a progress callback could not be called between kernel chunks without
risking a reseed.  An explicit xorshift64* state stored in a ``uint64`` array
travels with the search and makes every run a pure function of its seed.
"""

import numpy as np
from numba import njit

_MULT = np.uint64(2685821657736338717)
_GOLDEN = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1


def make_state(seed: int) -> np.ndarray:
    """Return a fresh generator state (``uint64[1]``) derived from ``seed``.

    The seed goes through splitmix64 so that neighbouring seeds (1, 2, 3...)
    give unrelated streams; the state is never zero (xorshift would stick).
    """
    z = (int(seed) * _GOLDEN + _GOLDEN) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    z ^= z >> 31
    if z == 0:
        z = _GOLDEN
    return np.array([z], dtype=np.uint64)


@njit(cache=True, inline="always")
def next_u64(state):
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * _MULT


@njit(cache=True, inline="always")
def randint(state, n):
    """Uniform integer in ``[0, n)`` (n > 0)."""
    return np.int64(next_u64(state) >> np.uint64(11)) % n


@njit(cache=True)
def shuffle(state, arr):
    """Fisher-Yates shuffle of ``arr`` in place."""
    for k in range(arr.shape[0] - 1, 0, -1):
        r = randint(state, k + 1)
        t = arr[k]
        arr[k] = arr[r]
        arr[r] = t
