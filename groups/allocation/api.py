"""Convenience layer for callers holding participants as attribute dicts
(e.g. the Celery task of the Django app)."""

import numpy as np

from .problem import AllocationInfeasible, AttributeSpec, GroupSizes, Problem, StaffMember


def build_problem(
    people,
    attributes,
    *,
    keep_together=(),
    pins=None,
    keep_apart=(),
    staff=None,
    sizes=None,
    id_key="id",
    staff_language_field="language",
    allow_volunteer_note_takers=False,
    group_limits=None,
) -> Problem:
    """Encode participants into a :class:`Problem`.

    * ``people``: list of dicts; ``person[id_key]`` is the id (index if absent).
    * ``attributes``: list of :class:`AttributeSpec` (or ``(name, kind, weight)``
      tuples / dicts with these keys).
    * ``keep_together``: field names whose value people of a group share.
    * ``pins``: ``{person id: group index}``.  ``keep_apart``: ``[(id, id)]``.
    * ``staff``: ``None`` (no staff assignment) or a list of
      :class:`StaffMember` / dicts ``{"id", "roles", "language"}``.
    * ``sizes``: :class:`GroupSizes` or an int (group size).
    * ``group_limits``: ``{keep-together key tuple: max number of groups}``.
    """
    n = len(people)
    specs = []
    for a in attributes:
        if isinstance(a, AttributeSpec):
            specs.append(a)
        elif isinstance(a, dict):
            specs.append(AttributeSpec(**a))
        else:
            specs.append(AttributeSpec(*a))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise ValueError("duplicate attribute names")
    ids = [p.get(id_key, i) if isinstance(p, dict) else i for i, p in enumerate(people)]
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate values in {id_key!r}")
    pos = {pid: i for i, pid in enumerate(ids)}
    for f in list(names) + list(keep_together):
        missing = [ids[i] for i, p in enumerate(people) if f not in p]
        if missing:
            raise AllocationInfeasible(f"unknown field {f!r}: missing for person {missing[0]!r}")
    cats = [s for s in specs if s.kind == "categorical"]
    nums = [s for s in specs if s.kind == "numeric"]
    cat = np.zeros((n, len(cats)), dtype=np.int64)
    levels = []
    for t, s in enumerate(cats):
        vals = ["" if p[s.name] is None else str(p[s.name]) for p in people]
        lv = sorted(set(vals))
        code = {v: c for c, v in enumerate(lv)}
        cat[:, t] = [code[v] for v in vals]
        levels.append(lv)
    num = np.zeros((n, len(nums)))
    for u, s in enumerate(nums):
        raw = []
        for p in people:
            v = p[s.name]
            if v is None or v == "":
                raw.append(np.nan)
                continue
            try:
                raw.append(float(v))
            except (TypeError, ValueError):
                raise AllocationInfeasible(f"numeric attribute {s.name!r}: {v!r} is not a number") from None
        x = np.array(raw, dtype=np.float64)
        ok = np.isfinite(x)
        if ok.any():
            lo, hi = x[ok].min(), x[ok].max()
            x = np.where(ok, x, x[ok].mean())
            x = (x - lo) / (hi - lo) if hi > lo else np.zeros(n)
        else:
            x = np.zeros(n)
        num[:, u] = x
    keys = [tuple("" if p[f] is None else str(p[f]) for f in keep_together) for p in people]

    def resolve(pid, what):
        if pid in pos:
            return pos[pid]
        raise AllocationInfeasible(f"{what}: unknown person {pid!r}")

    pin_idx = {resolve(pid, "pin"): int(k) for pid, k in (pins or {}).items()}
    apart = [(resolve(a, "keep apart"), resolve(b, "keep apart")) for a, b in keep_apart]
    staff_list = None
    if staff is not None:
        staff_list = []
        for s in staff:
            if isinstance(s, StaffMember):
                staff_list.append(s)
            else:
                roles = s.get("roles", ("facilitator", "note_taker"))
                if isinstance(roles, str):
                    roles = (roles,)
                language = s.get("language")
                if isinstance(language, list):
                    language = tuple(language)
                staff_list.append(StaffMember(id=str(s["id"]), roles=tuple(roles), language=language))
    if sizes is None:
        sizes = GroupSizes()
    elif isinstance(sizes, int):
        sizes = GroupSizes(size=sizes)
    return Problem(
        n=n,
        ids=ids,
        cat=cat,
        cat_weights=np.array([s.weight for s in cats], dtype=np.float64),
        cat_names=[s.name for s in cats],
        cat_levels=levels,
        num=num,
        num_weights=np.array([s.weight for s in nums], dtype=np.float64),
        num_names=[s.name for s in nums],
        sizes=sizes,
        keep_together=tuple(keep_together),
        keys=keys,
        pins=pin_idx,
        keep_apart=apart,
        staff=staff_list,
        staff_language_field=staff_language_field,
        allow_volunteer_note_takers=allow_volunteer_note_takers,
        group_limits={tuple(k): int(v) for k, v in (group_limits or {}).items()},
    )


def matrix_problem(d, lo=None, hi=None, sizes=None) -> Problem:
    """Problem over an explicit symmetric distance matrix (e.g. MDGPLIB).

    ``lo``/``hi``: explicit per-group bounds (number of groups = len(lo));
    otherwise ``sizes`` (a :class:`GroupSizes`) decides.
    """
    d = np.ascontiguousarray(d, dtype=np.float64)
    n = d.shape[0]
    if lo is not None:
        sizes = GroupSizes(bounds=tuple(zip(np.asarray(lo).tolist(), np.asarray(hi).tolist(), strict=False)))
    return Problem(
        n=n,
        ids=list(range(n)),
        cat=np.zeros((n, 0), dtype=np.int64),
        cat_weights=np.zeros(0),
        cat_names=[],
        cat_levels=[],
        num=np.zeros((n, 0)),
        num_weights=np.zeros(0),
        num_names=[],
        sizes=sizes or GroupSizes(),
        keys=[()] * n,
        distance=d,
    )
