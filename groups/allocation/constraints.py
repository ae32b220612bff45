"""Hard constraints: keep-together partitions, group layout, pins,
keep-apart pairs and staff (facilitator + note taker per group).

Contradictory pins and keep-apart pairs raise :class:`AllocationInfeasible`
with a message naming the constraint (and the person concerned).  Group
sizes and staff never do: any number of people forms groups (sizes outside
the target are reported), and a shortage of staff leaves groups without a
facilitator or note taker, which the report names.
"""

from collections import deque
from dataclasses import dataclass

import numpy as np

from .problem import ROLES, AllocationInfeasible, Problem
from .rng import make_state
from .sizes import balanced_bounds, explicit_bounds


@dataclass
class Partition:
    """People sharing one keep-together key, and the groups reserved for them."""

    key: tuple
    idx: np.ndarray  # person indices
    first_group: int
    lo: np.ndarray  # per-group size bounds
    hi: np.ndarray
    within_target: bool = True  # every group has target - 1 .. target + 1 people

    @property
    def n_groups(self) -> int:
        return len(self.lo)

    @property
    def groups(self) -> range:
        return range(self.first_group, self.first_group + self.n_groups)


def describe_key(fields, key) -> str:
    if not fields:
        return "participants"
    return ", ".join(f"{f}={v!r}" for f, v in zip(fields, key, strict=False))


def layout(problem: Problem) -> list:
    """Split people by keep-together key (sorted keys -> consecutive group
    numbers) and size the groups of every partition."""
    n = problem.n
    keys = problem.keys if problem.keys else [()] * n
    by_key = {}
    for i, k in enumerate(keys):
        by_key.setdefault(tuple(k), []).append(i)
    parts = []
    first = 0
    sizes = problem.sizes
    if sizes.bounds is not None and len(by_key) > 1:
        raise AllocationInfeasible(
            "group sizes: explicit per-group bounds cannot be combined with keep-together "
            f"fields ({', '.join(problem.keep_together)}) that split people into {len(by_key)} sets"
        )
    for key in sorted(by_key):
        idx = np.array(by_key[key], dtype=np.int64)
        what = describe_key(problem.keep_together, key)
        within = True
        if sizes.bounds is not None:
            lo, hi = explicit_bounds(len(idx), sizes.bounds, what)
        else:
            try:
                lo, hi = balanced_bounds(len(idx), sizes, what, problem.group_limits.get(tuple(key)))
            except AllocationInfeasible as exc:
                if problem.keep_together:
                    raise AllocationInfeasible(f"keep together: {exc}") from None
                raise
            within = bool(len(lo) == 0 or (lo.min() >= sizes.size - 1 and hi.max() <= sizes.size + 1))
        parts.append(Partition(key=key, idx=idx, first_group=first, lo=lo, hi=hi, within_target=within))
        first += len(lo)
    return parts


def check_pins(problem: Problem, parts) -> np.ndarray:
    """Validate pins; return the forced group per person (-1 when free)."""
    n = problem.n
    pinned = -np.ones(n, dtype=np.int64)
    n_groups = sum(p.n_groups for p in parts)
    part_of = np.empty(n, dtype=np.int64)
    for k, p in enumerate(parts):
        part_of[p.idx] = k
    count = np.zeros(n_groups, dtype=np.int64)
    for person, group in problem.pins.items():
        who = problem.ids[person]
        if not (0 <= group < n_groups):
            raise AllocationInfeasible(
                f"pin: person {who!r} pinned to group {group}, but there are only {n_groups} groups (0..{n_groups - 1})"
            )
        p = parts[part_of[person]]
        if group not in p.groups:
            raise AllocationInfeasible(
                f"pin: person {who!r} ({describe_key(problem.keep_together, p.key)}) pinned to "
                f"group {group}, which is reserved for another keep-together set "
                f"(allowed groups {p.groups.start}..{p.groups.stop - 1})"
            )
        pinned[person] = group
        count[group] += 1
    for p in parts:
        for k, gidx in enumerate(p.groups):
            if count[gidx] > p.hi[k]:
                raise AllocationInfeasible(
                    f"pin: {count[gidx]} people pinned to group {gidx}, which holds at most {p.hi[k]}"
                )
    return pinned


def check_keep_apart(problem: Problem, parts, pinned):
    """Reject keep-apart pairs that cannot possibly be separated."""
    part_of = np.empty(problem.n, dtype=np.int64)
    for k, p in enumerate(parts):
        part_of[p.idx] = k
    for i, j in problem.keep_apart:
        if i == j:
            raise AllocationInfeasible(f"keep apart: person {problem.ids[i]!r} paired with themself")
        if pinned[i] >= 0 and pinned[i] == pinned[j]:
            raise AllocationInfeasible(
                f"keep apart: {problem.ids[i]!r} and {problem.ids[j]!r} are both pinned to group {pinned[i]}"
            )
        if part_of[i] == part_of[j] and parts[part_of[i]].n_groups < 2:
            raise AllocationInfeasible(
                f"keep apart: {problem.ids[i]!r} and {problem.ids[j]!r} must be kept together "
                f"({describe_key(problem.keep_together, parts[part_of[i]].key)}) in a single group"
            )


def count_violations(problem: Problem, grp, parts, pinned) -> dict:
    """Count every hard-constraint violation of an allocation (all should be 0)."""
    grp = np.asarray(grp)
    v = {"size": 0, "keep_together": 0, "pins": 0, "keep_apart": 0}
    for p in parts:
        sizes = np.bincount(grp[p.idx], minlength=p.first_group + p.n_groups)
        inside = (grp[p.idx] >= p.first_group) & (grp[p.idx] < p.first_group + p.n_groups)
        v["keep_together"] += int(np.sum(~inside))
        local = sizes[p.first_group : p.first_group + p.n_groups]
        v["size"] += int(np.sum((local < p.lo) | (local > p.hi)))
    v["pins"] = int(np.sum((pinned >= 0) & (grp != pinned)))
    v["keep_apart"] = int(sum(1 for i, j in problem.keep_apart if grp[i] == grp[j]))
    return v


# ---------------------------------------------------------------- staff


def _max_flow(cap, s, t):
    """Edmonds-Karp on a small dense capacity matrix (modified in place)."""
    n = len(cap)
    flow = 0
    while True:
        prev = [-1] * n
        prev[s] = s
        q = deque([s])
        while q and prev[t] < 0:
            u = q.popleft()
            for v in range(n):
                if prev[v] < 0 and cap[u][v] > 0:
                    prev[v] = u
                    q.append(v)
        if prev[t] < 0:
            return flow
        aug = float("inf")
        v = t
        while v != s:
            aug = min(aug, cap[prev[v]][v])
            v = prev[v]
        v = t
        while v != s:
            cap[prev[v]][v] -= aug
            cap[v][prev[v]] += aug
            v = prev[v]
        flow += aug


def serves(languages, group_language) -> bool:
    """Whether staff of these languages (None: any) can serve a group of this language."""
    return languages is None or group_language is None or group_language in languages


def assign_staff(problem: Problem, grp, group_language, seed):
    """Give groups a facilitator and a note taker, as many as the staff allow.

    ``group_language[k]`` is the language of group k (``None`` when language
    is not a keep-together field: any staff member fits).  A staff member
    serves groups of the languages they list (``None``: any).  The matching
    is a max-flow over (staff languages, roles) types -> (group language,
    role) slots, first for facilitators, then note takers (augmenting paths
    never undo the facilitator flow), so it seats as many staff as any
    assignment could.  With too few staff some groups go without: when both
    are short, the groups without a facilitator are not those without a note
    taker, as far as the numbers allow.  With
    ``problem.allow_volunteer_note_takers`` a participant of a group without
    a note taker is chosen to take the notes.

    Returns ``(facilitator, note_taker, volunteers)``: dicts group -> staff id
    (or participant id for volunteers) and the list of groups whose note
    taker is a volunteer participant.  Never raises for a shortage.
    """
    G = len(group_language)
    staff = list(problem.staff)
    for s in staff:
        bad = [r for r in s.roles if r not in ROLES]
        if bad:
            raise AllocationInfeasible(f"staff: {s.id!r} has unknown role(s) {bad} (use {ROLES})")

    def type_of(s):
        return (s.languages, tuple(r for r in ROLES if r in s.roles))

    langs = sorted(set(group_language), key=lambda x: (x is None, str(x)))
    types = sorted({type_of(s) for s in staff}, key=lambda x: (str(x[0]), x[1]))
    # nodes: 0 source, 1..T types, then slots (lang, role), then sink
    T = len(types)
    slots = [(lang, r) for r in ROLES for lang in langs]
    N = 2 + T + len(slots)
    sink = N - 1
    cap = [[0] * N for _ in range(N)]
    type_count = dict.fromkeys(types, 0)
    for s in staff:
        type_count[type_of(s)] += 1
    groups_of = {lang: [k for k in range(G) if group_language[k] == lang] for lang in langs}
    for a, ty in enumerate(types):
        cap[0][1 + a] = type_count[ty]
        for b, (lang, role) in enumerate(slots):
            if role in ty[1] and serves(ty[0], lang):
                cap[1 + a][1 + T + b] = G + len(staff)
    original = [row[:] for row in cap]
    for phase in ROLES:
        for b, (lang, role) in enumerate(slots):
            if role == phase:
                cap[1 + T + b][sink] = len(groups_of[lang])
                original[1 + T + b][sink] = len(groups_of[lang])
        _max_flow(cap, 0, sink)
    rng = np.random.default_rng(make_state(seed)[0])
    pool = {ty: [] for ty in types}
    for s in staff:
        pool[type_of(s)].append(s.id)
    for ty in types:
        rng.shuffle(pool[ty])
    filled = dict.fromkeys(slots, 0)
    out = {"facilitator": {}, "note_taker": {}}
    order_groups = {lang: [int(k) for k in rng.permutation(groups_of[lang])] for lang in langs}
    for a, ty in enumerate(types):
        for b, (lang, role) in enumerate(slots):
            used = original[1 + a][1 + T + b] - cap[1 + a][1 + T + b]
            for _ in range(max(0, used)):
                order = order_groups[lang] if role == "facilitator" else order_groups[lang][::-1]
                k = order[filled[(lang, role)]]
                filled[(lang, role)] += 1
                out[role][k] = pool[ty].pop()
    volunteers = []
    if problem.allow_volunteer_note_takers:
        grp = np.asarray(grp)
        for k in range(G):
            if k not in out["note_taker"]:
                members = np.flatnonzero(grp == k)
                if len(members) == 0:
                    continue
                out["note_taker"][k] = problem.ids[int(members[rng.integers(len(members))])]
                volunteers.append(k)
    return out["facilitator"], out["note_taker"], sorted(volunteers)


def match_staff(group_language: list, staff: list, seed: int = 0) -> dict:
    """Which groups would go without a facilitator or a note taker with these staff
    (``{"facilitator": [groups], "note_taker": [groups]}``): the staff matching of
    :func:`assign_staff`, without the people, for a plan shown before any run."""
    holder = Problem(
        n=0, ids=[], cat=None, cat_weights=None, cat_names=[], cat_levels=[], num=None,
        num_weights=None, num_names=[], staff=list(staff),
    )  # fmt: skip
    fac, notes, _ = assign_staff(holder, np.zeros(0, dtype=np.int64), list(group_language), seed)
    return missing_staff(len(group_language), fac, notes)


def missing_staff(n_groups: int, facilitators: dict, note_takers: dict) -> dict:
    """The groups (indices) without a facilitator and without a note taker."""
    return {
        "facilitator": [k for k in range(n_groups) if k not in facilitators],
        "note_taker": [k for k in range(n_groups) if k not in note_takers],
    }
