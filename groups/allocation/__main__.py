"""Command line.

    python -m groups.allocation mdgp FILE --seconds S --seed N [--iterations K]
    python -m groups.allocation participants FILE.csv --group-size 5 --seed N --seconds S
        [--keep-together COL ...] [--weights COL=W,...] [--numeric COL ...]
        [--categorical COL ...] [--rounds R]
    python -m groups.allocation warm

``warm`` compiles the kernels into numba's disk cache (run it when installing),
so that the first real allocation does not wait for the compiler.

``mdgp`` prints ``{"objective": float, "groups": [[element ids], ...]}``.  It
searches until ``--seconds`` (like the literature) unless ``--iterations``
gives a deterministic budget.

``participants`` reads a CSV with an ``id`` column; every other column that
is not a keep-together column is an attribute: numeric when all its
non-empty cells are numbers (override with ``--categorical``), else
categorical.  Prints ``{"rounds": [[[ids], ...], ...], "report": {...}}``.

Bad input exits with status 2 and one line on stderr.
"""

import argparse
import json
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        sys.stderr.write(f"error: {message}\n")
        sys.exit(2)


def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def _mdgp(args):
    from .io import read_mdgplib
    from .search import run_ils

    inst = read_mdgplib(args.file)
    if inst.lo.sum() > inst.n or inst.hi.sum() < inst.n:
        raise ValueError(
            f"{args.file}: size bounds cannot hold {inst.n} elements "
            f"(total min {int(inst.lo.sum())}, total max {int(inst.hi.sum())})"
        )
    max_it = args.iterations if args.iterations is not None else 10**12
    grp, obj, _ = run_ils(inst.d, inst.lo, inst.hi, seed=args.seed, time_limit=args.seconds, max_iterations=max_it)
    groups = [[] for _ in range(inst.g)]
    for i, k in enumerate(grp):
        groups[int(k)].append(i)
    print(json.dumps({"objective": obj, "groups": groups}))


def _participants(args):
    from . import allocate, allocate_rounds, build_problem
    from .io import read_participants_csv
    from .problem import AttributeSpec, GroupSizes

    ids, columns = read_participants_csv(args.file)
    weights = {}
    if args.weights:
        for item in args.weights.split(","):
            if not item.strip():
                continue
            if "=" not in item:
                raise ValueError(f"--weights: expected COL=W, got {item!r}")
            col, w = item.split("=", 1)
            try:
                weights[col.strip()] = float(w)
            except ValueError:
                raise ValueError(f"--weights: weight of {col.strip()!r} is not a number: {w!r}") from None
    for col in list(args.keep_together) + list(weights) + list(args.numeric) + list(args.categorical):
        if col not in columns:
            raise ValueError(f"unknown column {col!r} (columns: {', '.join(columns)})")
    specs = []
    for col, values in columns.items():
        if col in args.keep_together:
            continue
        numeric = col in args.numeric or (
            col not in args.categorical
            and all(_is_number(v) for v in values if v != "")
            and any(v != "" for v in values)
        )
        specs.append(AttributeSpec(col, "numeric" if numeric else "categorical", weights.get(col, 1.0)))
    people = [{"id": pid, **{c: columns[c][i] for c in columns}} for i, pid in enumerate(ids)]
    sizes = GroupSizes(size=args.group_size, rounding=args.rounding)
    problem = build_problem(people, specs, keep_together=args.keep_together, sizes=sizes)
    if args.rounds > 1:
        allocs, report = allocate_rounds(problem, args.rounds, seed=args.seed, time_limit=args.seconds)
    else:
        alloc = allocate(problem, seed=args.seed, time_limit=args.seconds)
        allocs, report = [alloc], alloc.report
    rounds = [[[ids[i] for i in members] for members in a.members()] for a in allocs]
    print(json.dumps({"rounds": rounds, "report": report}))


def _warm(args):
    from .warm import warm_up

    print(json.dumps({"warmed_seconds": round(warm_up(), 2)}))


def main(argv=None):
    parser = _Parser(prog="python -m groups.allocation", description="Diversity group allocator")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.required = True
    p = sub.add_parser("mdgp", help="solve an MDGPLIB instance")
    p.add_argument("file")
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--iterations", type=int, default=None, help="deterministic iteration budget (default: run until --seconds)"
    )
    p.set_defaults(func=_mdgp)
    q = sub.add_parser("participants", help="allocate participants from a CSV")
    q.add_argument("file")
    q.add_argument("--group-size", type=int, default=5)
    q.add_argument("--rounding", choices=["nearest", "up", "down"], default="nearest")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--seconds", type=float, default=60.0)
    q.add_argument("--keep-together", nargs="*", default=[])
    q.add_argument("--weights", default="")
    q.add_argument("--numeric", nargs="*", default=[])
    q.add_argument("--categorical", nargs="*", default=[])
    q.add_argument("--rounds", type=int, default=1)
    q.set_defaults(func=_participants)
    w = sub.add_parser("warm", help="compile the kernels into the disk cache")
    w.set_defaults(func=_warm)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except (ValueError, OSError) as exc:  # InputError, AllocationInfeasible are ValueErrors
        msg = " ".join(str(exc).split())
        sys.stderr.write(f"error: {msg}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
