"""Group sizes: how many groups a set of people is split into, and the
per-group (min, max) bounds handed to the search."""

import math

import numpy as np

from .problem import AllocationInfeasible, GroupSizes


def balanced_bounds(p: int, sizes: GroupSizes, what: str = "participants"):
    """Bounds ``(lo, hi)`` (int arrays, one entry per group) for ``p`` people.

    The number of groups follows ``sizes.rounding``; the bounds are
    ``floor(p/g)`` and ``ceil(p/g)`` so sizes differ by at most one and add
    up to p.  ``what`` names the set of people in the error message (e.g.
    ``"language='fr'"``).  Raises :class:`AllocationInfeasible` when p cannot
    be split within ``min_size..max_size``.
    """
    if sizes.size < 1:
        raise AllocationInfeasible(f"group size must be >= 1, got {sizes.size}")
    lo_lim, hi_lim = sizes.limits()
    if lo_lim > hi_lim:
        raise AllocationInfeasible(f"group size limits are empty: min {lo_lim} > max {hi_lim}")
    if p == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    s = sizes.size
    fl, ce = max(1, p // s), max(1, math.ceil(p / s))
    if sizes.rounding == "down":
        options = [ce]
    elif sizes.rounding == "up":
        options = [fl]
    elif sizes.rounding == "nearest":
        # deviation of the extreme sizes from the target, ties -> more groups
        def dev(g):
            return max(abs(math.ceil(p / g) - s), abs(p // g - s))

        options = sorted({fl, ce}, key=lambda g: (dev(g), -g))
    else:
        raise AllocationInfeasible(f"unknown rounding {sizes.rounding!r} (use nearest, up or down)")
    for g in options:
        small, big = p // g, math.ceil(p / g)
        if small >= lo_lim and big <= hi_lim:
            return np.full(g, small, dtype=np.int64), np.full(g, big, dtype=np.int64)
    # allowed sizes are [lo_lim, hi_lim]: any g with g*lo_lim <= p <= g*hi_lim works,
    # but it breaks the requested rounding; report instead of surprising the user
    g = options[0]
    raise AllocationInfeasible(
        f"group sizes: {what} ({p} people) cannot be split into groups of "
        f"{lo_lim}..{hi_lim} with rounding '{sizes.rounding}' "
        f"({g} group(s) would have {p // g}..{math.ceil(p / g)} people)"
    )


def explicit_bounds(p: int, bounds, what: str = "participants"):
    """Validate explicit per-group ``(min, max)`` bounds for p people."""
    arr = np.asarray(bounds, dtype=np.int64).reshape(-1, 2)
    lo, hi = arr[:, 0].copy(), arr[:, 1].copy()
    if np.any(lo < 0) or np.any(lo > hi):
        raise AllocationInfeasible("group sizes: every explicit bound needs 0 <= min <= max")
    if lo.sum() > p or hi.sum() < p:
        raise AllocationInfeasible(
            f"group sizes: {what} ({p} people) do not fit the explicit bounds "
            f"(total min {int(lo.sum())}, total max {int(hi.sum())})"
        )
    return lo, hi
