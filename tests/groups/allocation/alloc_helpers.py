import itertools

import numpy as np


def people(n, seed=0, languages=None):
    rs = np.random.default_rng(seed)
    out = []
    for i in range(n):
        p = {
            "id": f"p{i}",
            "gender": str(rs.choice(["f", "m", "x"], p=[0.48, 0.48, 0.04])),
            "edu": str(rs.choice(["low", "mid", "high"])),
            "region": str(rs.choice(list("ABCDE"))),
            "age": int(rs.integers(18, 80)),
        }
        if languages:
            p["language"] = languages[i % len(languages)]
        out.append(p)
    return out


ATTRS = [
    ("gender", "categorical", 1.0),
    ("edu", "categorical", 1.0),
    ("region", "categorical", 2.0),
    ("age", "numeric", 1.0),
]


def brute_objective(problem, grp):
    s = 0.0
    for i, j in itertools.combinations(range(problem.n), 2):
        if grp[i] == grp[j]:
            s += problem.pair_distance(i, j)
    return s


def brute_best(d, sizes):
    """Exhaustive optimum for tiny instances (equal group sizes)."""
    n = d.shape[0]
    best = -1.0
    g = len(sizes)
    for labels in itertools.product(range(g), repeat=n):
        if any(labels.count(k) != sizes[k] for k in range(g)):
            continue
        s = sum(d[i, j] for i in range(n) for j in range(i + 1, n) if labels[i] == labels[j])
        best = max(best, s)
    return best
