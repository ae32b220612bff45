import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def run(*args):
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "groups.allocation", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_mdgp(path, n=12, g=3, kind="ss", bounds=None):
    rs = np.random.default_rng(0)
    bounds = bounds or [(n // g, n // g)] * g
    lines = [f"{n} {g} {kind} " + " ".join(f"{a} {b}" for a, b in bounds)]
    for i in range(n):
        for j in range(i + 1, n):
            lines.append(f"{i} {j} {rs.uniform(0, 100):.3f}")
    path.write_text("\n".join(lines) + "\n")


def check_error(res, text):
    assert res.returncode != 0
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert text in lines[0]
    assert "Traceback" not in res.stderr


def test_mdgp_ok_and_ds(tmp_path):
    f = tmp_path / "i.txt"
    write_mdgp(f)
    res = run("mdgp", str(f), "--seconds", "0.5", "--seed", "1")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert sorted(x for grp in out["groups"] for x in grp) == list(range(12))
    assert [len(grp) for grp in out["groups"]] == [4, 4, 4]
    assert out["objective"] > 0
    write_mdgp(f, n=12, g=3, kind="ds", bounds=[(2, 3), (4, 6), (4, 6)])
    out = json.loads(run("mdgp", str(f), "--iterations", "50", "--seed", "1").stdout)
    sizes = [len(grp) for grp in out["groups"]]
    assert 2 <= sizes[0] <= 3 and 4 <= sizes[1] <= 6 and 4 <= sizes[2] <= 6


def test_mdgp_errors(tmp_path):
    check_error(run("mdgp", str(tmp_path / "missing.txt")), "file not found")
    f = tmp_path / "bad.txt"
    write_mdgp(f)
    lines = f.read_text().splitlines()
    lines[5] = "1 2 abc"
    f.write_text("\n".join(lines))
    check_error(run("mdgp", str(f)), "bad.txt:6: expected 'i j d_ij'")
    write_mdgp(f, n=12, g=3, kind="ds", bounds=[(1, 2), (1, 2), (1, 2)])
    check_error(run("mdgp", str(f)), "size bounds cannot hold 12 elements")


def write_csv(path, n=23, lang=True):
    rs = np.random.default_rng(1)
    rows = ["id,gender,age,language,job"]
    for i in range(n):
        rows.append(
            f"p{i},{rs.choice(['f', 'm'])},{rs.integers(18, 90)},"
            f"{'en' if (i % 3 or not lang) else 'fr'},{rs.choice(['a', 'b', 'c'])}"
        )
    path.write_text("\n".join(rows) + "\n")


def test_participants_ok(tmp_path):
    f = tmp_path / "p.csv"
    write_csv(f, n=30)
    res = run(
        "participants",
        str(f),
        "--group-size",
        "5",
        "--seed",
        "2",
        "--seconds",
        "10",
        "--weights",
        "gender=2,job=1",
        "--rounds",
        "2",
    )
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert len(out["rounds"]) == 2
    for rnd in out["rounds"]:
        assert sorted(p for grp in rnd for p in grp) == sorted(f"p{i}" for i in range(30))
    assert out["report"]["repeated_pairs_share"] == 0.0
    res = run("participants", str(f), "--keep-together", "language", "--seconds", "10")
    out = json.loads(res.stdout)
    lang = {f"p{i}": ("en" if i % 3 else "fr") for i in range(30)}
    assert all(len({lang[p] for p in grp}) == 1 for grp in out["rounds"][0])
    assert out["report"]["constraint_violations"] == 0


def test_participants_errors(tmp_path):
    f = tmp_path / "p.csv"
    write_csv(f)
    check_error(run("participants", str(tmp_path / "none.csv")), "file not found")
    check_error(run("participants", str(f), "--keep-together", "nope"), "unknown column 'nope'")
    check_error(run("participants", str(f), "--weights", "nope=2"), "unknown column 'nope'")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,gender\np1,f\np2,m,extra\n")
    check_error(run("participants", str(bad)), "bad.csv:3: expected 2 fields, got 3")
    check_error(run("participants", str(f), "--group-size", "0"), "group size must be >= 1")


def test_participants_too_few_for_a_full_group_form_one_flagged_group(tmp_path):
    small = tmp_path / "small.csv"
    write_csv(small, n=3)
    res = run("participants", str(small), "--group-size", "5")
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert [sorted(g) for g in out["rounds"][0]] == [["p0", "p1", "p2"]]
    assert out["report"]["groups_off_target"] == [0]


def test_no_django_import():
    env = dict(os.environ, PYTHONPATH=ROOT)
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            "import groups.allocation, groups.allocation.__main__, sys; "
            "assert not any(m.startswith('django') for m in sys.modules)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
