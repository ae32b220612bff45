"""Synthetic-event benchmark of the allocator (time, memory, quality).

    .venv/bin/python bench/allocation/events.py [--quick] [--sizes 100,1000,...]

Participants are generated with realistic marginals (age band, gender,
education, occupation, region, urban/rural) and a language used as a
keep-together field (en 72 %, fr 18 %, de 7 %, it 3 %; en 80 % / fr 20 % below 1,000
people so every language can fill a group).  Groups of 5.
Every size runs in its own subprocess (peak RSS from getrusage, so the
numbers include numpy / numba) with a time cap; it reports the seconds, peak
memory, percent of the upper bound and, in the same run, a random
allocation with the same sizes.  Then 4 rounds of 100 and of 1,000: repeated
pairs and each round's score relative to a single-round allocation.

Targets (exit status 1 when missed): >= 99.5 % of the bound for n >= 1,000;
<= 1 s for 1,000, 10 s for 10,000, 120 s and 2 GB for 100,000; rounds: no
repeated pair and every round within 0.5 % of the single-round score.
n = 100,000 uses the counts/sums kernels (no n x n matrix).
``--quick``: 100, 1,000 and 10,000 only, rounds of 100.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

MARGINALS = {
    "age_band": (
        ["18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"],
        [0.11, 0.17, 0.17, 0.17, 0.16, 0.12, 0.10],
    ),
    "gender": (["female", "male", "other"], [0.505, 0.485, 0.01]),
    "education": (["none", "secondary", "vocational", "bachelor", "master+"], [0.08, 0.35, 0.22, 0.22, 0.13]),
    "occupation": (
        ["employed", "self-employed", "unemployed", "student", "retired", "home", "other"],
        [0.46, 0.08, 0.06, 0.09, 0.22, 0.05, 0.04],
    ),
    "region": ([f"R{k}" for k in range(12)], list(np.full(12, 1 / 12))),
    "area": (["urban", "rural"], [0.72, 0.28]),
    "language": (["en", "fr", "de", "it"], [0.72, 0.18, 0.07, 0.03]),
}
ATTRS = [(k, "categorical", 1.0) for k in MARGINALS if k != "language"]
CAPS = {100: 30, 1000: 30, 10000: 60, 100000: 300}


def generate(n, seed=0):
    rs = np.random.default_rng(seed)
    marg = dict(MARGINALS)
    if n < 1000:
        # a 3 % language would leave 3 people: too few for one group of 4..6
        marg["language"] = (["en", "fr"], [0.8, 0.2])
    cols = {k: rs.choice(v, size=n, p=np.array(p) / np.sum(p)) for k, (v, p) in marg.items()}
    return [{"id": f"p{i}", **{k: str(cols[k][i]) for k in cols}} for i in range(n)]


def one_size(n, seed):
    """Child process: allocate n people, print a JSON line."""
    from groups.allocation import allocate, build_problem

    people = generate(n, seed)
    t = time.perf_counter()
    prob = build_problem(people, ATTRS, keep_together=["language"], sizes=5)
    alloc = allocate(prob, seed=seed, time_limit=CAPS[n] * 0.8)
    el = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    r = alloc.report
    paths = sorted({p["path"] for p in alloc.info["partitions"]})
    print(
        json.dumps(
            {
                "n": n,
                "seconds": el,
                "peak_rss_mb": rss,
                "pct": r["percent_of_upper_bound"],
                "random_pct": r["random_percent_of_upper_bound"],
                "violations": r["constraint_violations"],
                "paths": paths,
            }
        )
    )


def rounds_check(n, seed):
    from groups.allocation import allocate, allocate_rounds, build_problem

    # no keep-together here: a 20-person language set in groups of 5 cannot
    # meet 16 new people in 4 rounds (a social-golfer design), see the docs
    prob = build_problem(generate(n, seed), ATTRS, sizes=5)
    single = allocate(prob, seed=seed + 100).score
    t = time.perf_counter()
    allocs, rep = allocate_rounds(prob, 4, seed=seed)
    el = time.perf_counter() - t
    rel = [100 * a.score / single for a in allocs]
    return {
        "n": n,
        "repeated_pairs": rep["repeated_pairs"],
        "share": rep["repeated_pairs_share"],
        "round_pct_of_single": rel,
        "seconds": el,
    }


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", type=int, default=0)
    a = ap.parse_args(argv)
    if a.child:
        one_size(a.child, a.seed)
        return 0
    sizes = (
        [int(x) for x in a.sizes.split(",")]
        if a.sizes
        else ([100, 1000, 10000] if a.quick else [100, 1000, 10000, 100000])
    )
    # warm the numba cache so the timings below exclude compilation
    t = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--child", "100", "--seed", "0"], capture_output=True)
    print(f"warm-up (numba cache load or compile) + n=100: {time.perf_counter() - t:.1f} s")
    ok = True
    print(f"{'n':>7s} {'seconds':>8s} {'peak_MB':>8s} {'%bound':>8s} {'random%':>8s} {'viol':>5s}  path")
    for n in sizes:
        res = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--seed", str(a.seed)],
            capture_output=True,
            text=True,
            timeout=CAPS[n] * 3,
        )
        if res.returncode:
            print(f"{n:7d} FAILED: {res.stderr.strip().splitlines()[-1:]}")
            ok = False
            continue
        r = json.loads(res.stdout.strip().splitlines()[-1])
        print(
            f"{n:7d} {r['seconds']:8.2f} {r['peak_rss_mb']:8.0f} {r['pct']:8.3f} {r['random_pct']:8.3f} "
            f"{r['violations']:5d}  {'+'.join(r['paths'])}"
        )
        limit = {1000: 1.0, 10000: 10.0, 100000: 120.0}.get(n)
        if n >= 1000 and r["pct"] < 99.5:
            ok = False
        if limit and r["seconds"] > limit:
            ok = False
        if n == 100000 and r["peak_rss_mb"] > 2048:
            ok = False
    for n in [100] if a.quick else [100, 1000]:
        r = rounds_check(n, a.seed)
        worst = min(r["round_pct_of_single"])
        print(
            f"rounds: 4 x {n}: repeated pairs {r['repeated_pairs']} (share {r['share']:.4f}), "
            f"rounds at {', '.join(f'{x:.2f}' for x in r['round_pct_of_single'])} % of a single "
            f"round, {r['seconds']:.1f} s"
        )
        if r["repeated_pairs"] or worst < 99.5:
            ok = False
    print("targets:", "OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
