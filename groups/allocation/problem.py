"""Inputs of the allocator: attribute specs, size settings, staff, the problem.

Distances between two participants i and j (the objective maximises their
sum over every pair of people sitting in the same group):

* categorical attribute t with weight w: ``w`` if the values differ, else 0;
* numeric attribute u with weight w: ``w * (x_i - x_j)**2`` where x is the
  value scaled to [0, 1] by the attribute's min and max over the
  participants.  The *squared* difference is used on purpose: the sum over a
  group then only depends on the group's count, sum and sum of squares
  (``m*Q - S**2``), so moves are evaluated exactly from per-group sums, with
  no n x n matrix.  Missing numeric values get the attribute's mean (they
  then add as little diversity as possible, never a spurious amount).

A categorical value ``""`` (missing) is a category like any other.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


class AllocationInfeasible(ValueError):
    """The request cannot be satisfied; the message names the constraint."""


@dataclass(frozen=True)
class AttributeSpec:
    """One attribute used for diversity.

    ``kind`` is ``"categorical"`` (differ or not) or ``"numeric"`` (squared
    scaled difference).  ``weight`` multiplies the attribute's pair distance.
    """

    name: str
    kind: str = "categorical"
    weight: float = 1.0

    def __post_init__(self):
        if self.kind not in ("categorical", "numeric"):
            raise ValueError(f"attribute {self.name!r}: kind must be 'categorical' or 'numeric'")
        if not (self.weight >= 0 and np.isfinite(self.weight)):
            raise ValueError(f"attribute {self.name!r}: weight must be a finite number >= 0")


@dataclass(frozen=True)
class GroupSizes:
    """How many groups and how big.

    * ``size``: target group size (default 5).
    * ``rounding``: when n is not a multiple of ``size``:
      ``"down"``: ceil(n/size) groups, sizes size-1..size (smaller groups);
      ``"up"``: floor(n/size) groups, sizes size..size+1 (bigger groups);
      ``"nearest"`` (default): whichever of the two keeps the sizes closest
      to ``size`` (ties go to smaller groups).
      In every case sizes differ by at most one.
    * ``min_size``/``max_size``: hard limits for any group (default size-1
      and size+1); a partition that cannot be split within them is
      infeasible.
    * ``bounds``: explicit per-group ``(min, max)`` sizes; the number of groups
      is then ``len(bounds)`` (only without keep-together fields).

    Without ``min_size``/``max_size`` any number of people can be split (see
    :func:`groups.allocation.sizes.plan_groups`); sizes outside
    ``size - 1 .. size + 1`` are then reported, not refused.
    """

    size: int = 5
    rounding: str = "nearest"
    min_size: int | None = None
    max_size: int | None = None
    bounds: tuple | None = None

    def limits(self):
        lo = self.size - 1 if self.min_size is None else self.min_size
        hi = self.size + 1 if self.max_size is None else self.max_size
        return max(1, lo), hi


@dataclass(frozen=True)
class StaffMember:
    """A staff person: can take the listed roles, speaks ``language`` (one
    language, or a tuple of the languages they can work in; ``None``: may
    serve a group of any language)."""

    id: str
    roles: tuple = ("facilitator", "note_taker")
    language: str | tuple | None = None

    @property
    def languages(self) -> tuple | None:
        """The languages this person can serve, or ``None`` for any."""
        if self.language is None:
            return None
        if isinstance(self.language, str):
            return (self.language,)
        return tuple(self.language) or None


ROLES = ("facilitator", "note_taker")


@dataclass
class Problem:
    """Encoded allocation problem (build it with :func:`groups.allocation.api.build_problem`).

    Arrays: ``cat`` int64[n, A_c] category codes, ``num`` float64[n, A_n]
    values scaled to [0, 1].  ``keys[i]`` is the keep-together key of person i
    (tuple of strings, empty tuple when no keep-together field).
    ``distance``: optional explicit float64[n, n] matrix used instead of the
    attributes.
    """

    n: int
    ids: list
    cat: np.ndarray
    cat_weights: np.ndarray
    cat_names: list
    cat_levels: list
    num: np.ndarray
    num_weights: np.ndarray
    num_names: list
    sizes: GroupSizes = field(default_factory=GroupSizes)
    keep_together: Sequence[str] = ()
    keys: list = field(default_factory=list)
    pins: dict = field(default_factory=dict)  # person index -> group index
    keep_apart: list = field(default_factory=list)  # [(i, j)] person indices
    staff: list = field(default_factory=list)  # [StaffMember]
    staff_language_field: str | None = "language"
    allow_volunteer_note_takers: bool = False
    distance: np.ndarray | None = None
    # keep-together key -> the most groups that set may form (e.g. one per facilitator)
    group_limits: dict = field(default_factory=dict)

    def pair_distance(self, i: int, j: int) -> float:
        """Distance between persons i and j (reference implementation)."""
        if self.distance is not None:
            return float(self.distance[i, j])
        s = float(np.sum(self.cat_weights * (self.cat[i] != self.cat[j])))
        s += float(np.sum(self.num_weights * (self.num[i] - self.num[j]) ** 2))
        return s

    @property
    def max_pair_distance(self) -> float:
        """An upper bound of any pair distance."""
        if self.distance is not None:
            return float(np.max(self.distance)) if self.n else 0.0
        return float(self.cat_weights.sum() + self.num_weights.sum())
