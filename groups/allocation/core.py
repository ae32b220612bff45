"""The allocation driver: partitions, search per partition, staff, checks.

Search path per keep-together partition of p people:

* p <= MATRIX_MAX (or an explicit distance matrix): the pair matrix of the
  partition (p*p*8 bytes, 18 MB at 1,500) and the iterated local search of
  :mod:`groups.allocation.search` (O(1) move evaluation);
* larger partitions: the counts/sums kernels of
  :mod:`groups.allocation.counts` (memory linear in p).

Penalties (added to the pair distances, so the search needs no special
case): keep-apart pairs get ``-KEEP_APART * P`` and pairs that already met
in earlier rounds ``-P`` per meeting, with ``P = 2 * max_group_size *
max_pair_distance``: more than any single move can gain in diversity, so a
repeat or a keep-apart violation is only kept when it cannot be avoided.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from . import counts as ck
from . import search as sk
from .constraints import assign_staff, check_keep_apart, check_pins, count_violations, layout
from .matrix_kernels import random_assignment
from .objective import pair_matrix, partition_bound
from .problem import AllocationInfeasible, Problem
from .rng import make_state

MATRIX_MAX = 1500
KEEP_APART = 50.0


@dataclass
class Assignment:
    """Result of :func:`allocate`: people and staff assigned to groups (the
    record of a run in the product is the model ``groups.models.Allocation``).

    ``groups[i]`` is the group index of person i (0-based).  ``facilitators``
    and ``note_takers`` map group index -> staff id (or participant id for
    volunteer note takers, listed in ``volunteer_note_takers``).
    ``group_keys[k]`` is the keep-together key of group k.
    """

    groups: np.ndarray
    n_groups: int
    score: float
    facilitators: dict = field(default_factory=dict)
    note_takers: dict = field(default_factory=dict)
    volunteer_note_takers: list = field(default_factory=list)
    group_keys: list = field(default_factory=list)
    report: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def members(self) -> list:
        """List of groups, each a list of person indices."""
        out = [[] for _ in range(self.n_groups)]
        for i, k in enumerate(self.groups):
            out[int(k)].append(i)
        return out


def _sub_seed(seed: int, k: int) -> int:
    return int(seed) * 1_000_003 + 7919 * k + 1


def penalty_unit(problem: Problem, parts) -> float:
    hi = max((int(p.hi.max()) for p in parts if p.n_groups), default=1)
    return 2.0 * hi * max(problem.max_pair_distance, 1e-9)


def _local_pairs(problem, idx, pair_weights, unit):
    """Sparse extra pair weights restricted to a partition (local indices)."""
    pos = -np.ones(problem.n, dtype=np.int64)
    pos[idx] = np.arange(len(idx))
    out = {}
    for i, j in problem.keep_apart:
        if pos[i] >= 0 and pos[j] >= 0:
            a, b = sorted((int(pos[i]), int(pos[j])))
            out[(a, b)] = out.get((a, b), 0.0) - KEEP_APART * unit
    if pair_weights:
        for (i, j), w in pair_weights.items():
            if pos[i] >= 0 and pos[j] >= 0 and i != j:
                a, b = sorted((int(pos[i]), int(pos[j])))
                out[(a, b)] = out.get((a, b), 0.0) + w
    return out


def _csr(p, pairs):
    deg = np.zeros(p + 1, dtype=np.int64)
    for a, b in pairs:
        deg[a + 1] += 1
        deg[b + 1] += 1
    ptr = np.cumsum(deg)
    idx = np.empty(ptr[-1], dtype=np.int64)
    w = np.empty(ptr[-1])
    fill = ptr[:-1].copy()
    for (a, b), v in pairs.items():
        idx[fill[a]] = b
        w[fill[a]] = v
        fill[a] += 1
        idx[fill[b]] = a
        w[fill[b]] = v
        fill[b] += 1
    return ptr, idx, w


def _global_codes(problem, idx):
    """Categorical codes shifted so that every attribute has its own range."""
    offs = np.cumsum([0] + [len(lv) for lv in problem.cat_levels])
    codes = np.ascontiguousarray(problem.cat[idx] + offs[:-1][None, :], dtype=np.int64)
    return codes, int(offs[-1])


def _balanced_sizes(part):
    """The multiset of group sizes when bounds are floor/ceil of p/g."""
    p, g = len(part.idx), part.n_groups
    if np.all(part.lo == p // g) and np.all(part.hi == -(-p // g)):
        big = p - g * (p // g)
        return np.array([p // g + 1] * big + [p // g] * (g - big))
    return None


def _search_partition(problem, part, pinned_local, pairs, seed, time_limit, max_iterations, progress, search_options):
    p = len(part.idx)
    g = part.n_groups
    search_options = dict(search_options or {})
    # "counts" forces the representation of large sets (used to compile its kernels ahead)
    representation = search_options.pop("representation", None)
    if g == 1:
        return np.zeros(p, dtype=np.int64), {"path": "trivial"}
    if problem.distance is not None or (p <= MATRIX_MAX and representation != "counts"):
        d = pair_matrix(problem, part.idx)
        for (a, b), w in pairs.items():
            d[a, b] += w
            d[b, a] += w
        target = None
        if problem.distance is None and not len(problem.num_names):
            # balanced sizes are known in advance: the bound is a stopping target
            sizes = _balanced_sizes(part)
            if sizes is not None:
                target = partition_bound(problem, part.idx, sizes)
        grp, _, info = sk.run_ils(
            d,
            part.lo,
            part.hi,
            seed=seed,
            time_limit=time_limit,
            max_iterations=max_iterations,
            pinned=pinned_local,
            progress=progress,
            target=target,
            **(search_options or {}),
        )
        info["path"] = "matrix"
        return grp, info
    # large partition: counts / sums representation
    t0 = time.perf_counter()
    codes, K = _global_codes(problem, part.idx)
    X = np.ascontiguousarray(problem.num[part.idx], dtype=np.float64)
    ptr, idx, w = _csr(p, pairs)
    rng = make_state(seed)
    grp = random_assignment(p, part.lo, part.hi, pinned_local, rng)
    counts, S, Q, size = ck.build_counts(codes, X, grp, g, K)
    movable = np.flatnonzero(pinned_local < 0).astype(np.int64)
    opts = dict(search_options or {})
    n_cand = int(opts.get("n_cand", 12))
    max_passes = int(opts.get("max_passes", 60) if max_iterations is None else max_iterations)
    passes = 0
    sizes = _balanced_sizes(part)
    target = None
    if not len(problem.num_names) and sizes is not None and not pairs:
        target = partition_bound(problem, part.idx, sizes)
    # one pass per kernel call so that the clock and the callback are
    # consulted between passes (pass count -> determinism)
    while passes < max_passes:
        gain, _ = ck.sampled_local_search(
            codes,
            problem.cat_weights,
            X,
            problem.num_weights,
            grp,
            counts,
            S,
            Q,
            size,
            part.lo,
            part.hi,
            movable,
            ptr,
            idx,
            w,
            rng,
            1,
            n_cand,
            0.0,
        )
        passes += 1
        if progress is not None or target is not None:
            val = ck.objective_counts(codes, problem.cat_weights, X, problem.num_weights, grp, g, K, ptr, idx, w)
            if progress is not None:
                progress(passes / max_passes, float(val))
            if target is not None and val >= target - 1e-9 * max(1.0, target):
                break
        scale = (problem.cat_weights.sum() + problem.num_weights.sum()) * len(movable)
        if gain <= 2e-4 * scale:
            break
        if time_limit is not None and time.perf_counter() - t0 >= time_limit:
            break
    return grp, {"path": "counts", "passes": passes, "seconds": time.perf_counter() - t0}


def allocate(
    problem: Problem,
    *,
    seed: int = 0,
    time_limit: float = None,
    progress=None,
    max_iterations: int = None,
    pair_weights: dict = None,
    search_options: dict = None,
    report: bool = True,
) -> Assignment:
    """Allocate ``problem.n`` people to groups of maximum diversity.

    * ``seed``: same seed and same input give the same allocation (see the
      determinism note in :func:`groups.allocation.search.run_ils`: holds
      whenever the search ends on its iteration budget, which is the default;
      ``time_limit`` is only a safety cap).
    * ``time_limit``: seconds (shared between keep-together partitions in
      proportion to their size).  ``None``: no cap.
    * ``progress(fraction, best_score)``: called between search chunks.
    * ``max_iterations``: iteration budget per partition (default from size).
    * ``pair_weights``: ``{(i, j): w}`` added to the distance of pair (i, j)
      (negative = penalty; used by multi-round allocation).

    Raises :class:`AllocationInfeasible` when a constraint cannot be met.
    """
    t0 = time.perf_counter()
    if problem.n == 0:
        raise AllocationInfeasible("no participants to allocate")
    parts = layout(problem)
    pinned = check_pins(problem, parts)
    check_keep_apart(problem, parts, pinned)
    unit = penalty_unit(problem, parts)
    n_groups = sum(p.n_groups for p in parts)
    grp = np.empty(problem.n, dtype=np.int64)
    infos = []
    done_people = 0
    for k, part in enumerate(parts):
        p = len(part.idx)
        local_pins = pinned[part.idx]
        local_pins = np.where(local_pins >= 0, local_pins - part.first_group, -1)
        pairs = _local_pairs(problem, part.idx, pair_weights, unit)
        sub_progress = None
        if progress is not None:
            base, share = done_people / problem.n, p / problem.n

            def sub_progress(frac, best, base=base, share=share):
                progress(min(1.0, base + share * frac), best)

        tl = None if time_limit is None else max(0.05, time_limit * p / problem.n)
        local, info = _search_partition(
            problem, part, local_pins, pairs, _sub_seed(seed, k), tl, max_iterations, sub_progress, search_options
        )
        grp[part.idx] = local + part.first_group
        info["key"] = list(part.key)
        info["people"] = p
        infos.append(info)
        done_people += p
    violations = count_violations(problem, grp, parts, pinned)
    if violations["keep_apart"]:
        bad = [(problem.ids[i], problem.ids[j]) for i, j in problem.keep_apart if grp[i] == grp[j]]
        raise AllocationInfeasible(
            f"keep apart: could not separate {len(bad)} pair(s), "
            f"e.g. {bad[0][0]!r} and {bad[0][1]!r} (too many conflicts "
            "for the number of groups)"
        )
    if any(violations.values()):  # pragma: no cover - would be a bug
        raise AssertionError(f"internal error: constraint violations {violations}")
    group_keys = [None] * n_groups
    for part in parts:
        for gidx in part.groups:
            group_keys[gidx] = part.key
    fac, notes, vol = {}, {}, []
    if problem.staff is not None:
        lang_pos = None
        if problem.staff_language_field and problem.staff_language_field in problem.keep_together:
            lang_pos = list(problem.keep_together).index(problem.staff_language_field)
        group_language = [None if lang_pos is None else group_keys[k][lang_pos] for k in range(n_groups)]
        fac, notes, vol = assign_staff(problem, grp, group_language, seed)
    from .objective import score as score_fn

    alloc = Assignment(
        groups=grp,
        n_groups=n_groups,
        score=score_fn(problem, grp, n_groups),
        facilitators=fac,
        note_takers=notes,
        volunteer_note_takers=vol,
        group_keys=group_keys,
        info={"partitions": infos, "seconds": time.perf_counter() - t0},
    )
    if report:
        from .report import quality_report

        alloc.report = quality_report(
            problem, alloc, parts=parts, pinned=pinned, seed=seed, duration=time.perf_counter() - t0
        )
    return alloc
