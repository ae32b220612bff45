"""Group sizes: how many groups a set of people is split into, and the
per-group (min, max) bounds handed to the search.

:func:`plan_groups` never fails: for any number of people and any target
size it chooses the number of groups whose sizes (which differ by at most
one) come closest to the target, using ``size - 1``, ``size`` and
``size + 1`` whenever that is possible.  The preference ("larger" or
"smaller" groups) only breaks ties.  A set smaller than the smallest allowed
group forms one small group, which the plan flags."""

import math
from dataclasses import dataclass

import numpy as np

from .problem import AllocationInfeasible, GroupSizes

PREFER = {"up": "larger", "down": "smaller", "nearest": "smaller", "larger": "larger", "smaller": "smaller"}


@dataclass(frozen=True)
class SizePlan:
    """``groups`` groups of ``small`` or ``big`` (= small or small + 1) people."""

    people: int
    target: int
    groups: int

    @property
    def small(self) -> int:
        return self.people // self.groups if self.groups else 0

    @property
    def big(self) -> int:
        return -(-self.people // self.groups) if self.groups else 0

    @property
    def sizes(self) -> list[int]:
        """Every group's size, largest first."""
        n_big = self.people - self.small * self.groups
        return [self.big] * n_big + [self.small] * (self.groups - n_big)

    @property
    def within_target(self) -> bool:
        """True when every group has target - 1 .. target + 1 people."""
        return self.groups == 0 or (self.small >= self.target - 1 and self.big <= self.target + 1)


def _cost(p: int, g: int, s: int, prefer: str) -> tuple:
    """How far g groups of p people are from the target s, smallest first: the largest
    deviation of a group, whether the sizes go the unwanted way (above s when smaller groups
    are preferred, below s when larger ones are), the people off target, then the preference."""
    small, big = p // g, -(-p // g)
    n_big = p - small * g
    worst = max(abs(big - s), abs(small - s))
    wrong_way = big > s if prefer == "smaller" else small < s
    off = n_big * abs(big - s) + (g - n_big) * abs(small - s)
    return (worst, wrong_way, off, -g if prefer == "smaller" else g)


def plan_groups(p: int, size: int, prefer: str = "smaller", max_groups: int | None = None) -> SizePlan:
    """The number of groups for ``p`` people and a target ``size`` (>= 2).

    Chooses the number of groups whose largest deviation from ``size`` is
    smallest; among those, ``prefer="smaller"`` takes sizes ``size - 1`` and
    ``size`` over ``size`` and ``size + 1`` (``"larger"`` the other way), then
    the fewest people off target.  Groups
    have at least two people whenever ``p >= 2``.  ``max_groups`` caps the
    number of groups (e.g. one per available facilitator): the groups are
    then larger.  Never raises for ``p >= 0``."""
    if size < 2:
        raise AllocationInfeasible(f"group size must be at least 2, got {size}")
    if prefer not in ("larger", "smaller"):
        raise AllocationInfeasible(f"unknown size preference {prefer!r} (use larger or smaller)")
    if p <= 0:
        return SizePlan(people=0, target=size, groups=0)
    most = max(1, p // 2)  # nobody alone when two or more people share the set
    if max_groups is not None:
        most = max(1, min(most, int(max_groups)))
    # The best number of groups lies next to p / size: look at a few around it.
    centre = p / size
    candidates = {g for g in range(max(1, math.floor(centre) - 2), math.ceil(centre) + 3) if g <= most}
    candidates.add(min(most, max(1, round(centre))))
    candidates.add(most if most < centre else min(most, max(1, math.floor(centre))))
    best = min(candidates, key=lambda g: _cost(p, g, size, prefer))
    return SizePlan(people=p, target=size, groups=best)


def balanced_bounds(p: int, sizes: GroupSizes, what: str = "participants", max_groups: int | None = None):
    """Bounds ``(lo, hi)`` (int arrays, one entry per group) for ``p`` people.

    Without explicit ``min_size``/``max_size`` this never fails (see
    :func:`plan_groups`).  With explicit limits the sizes must fit them, and
    :class:`AllocationInfeasible` names the set (``what``) when they cannot."""
    if sizes.size < 1:
        raise AllocationInfeasible(f"group size must be >= 1, got {sizes.size}")
    if sizes.rounding not in PREFER:
        raise AllocationInfeasible(f"unknown rounding {sizes.rounding!r} (use nearest, up or down)")
    if p == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    plan = plan_groups(p, max(2, sizes.size), PREFER[sizes.rounding], max_groups)
    if sizes.min_size is not None or sizes.max_size is not None:
        lo_lim, hi_lim = sizes.limits()
        if lo_lim > hi_lim:
            raise AllocationInfeasible(f"group size limits are empty: min {lo_lim} > max {hi_lim}")
        if not (plan.small >= lo_lim and plan.big <= hi_lim):
            g = next((g for g in range(1, p + 1) if g * lo_lim <= p <= g * hi_lim), None)
            if g is None:
                raise AllocationInfeasible(
                    f"group sizes: {what} ({p} people) cannot be split into groups of {lo_lim}..{hi_lim}"
                )
            plan = SizePlan(people=p, target=sizes.size, groups=g)
    return np.full(plan.groups, plan.small, dtype=np.int64), np.full(plan.groups, plan.big, dtype=np.int64)


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
