import numpy as np
import pytest
from alloc_helpers import ATTRS, people

from groups.allocation import AllocationInfeasible, GroupSizes, StaffMember, allocate_people, build_problem
from groups.allocation.sizes import balanced_bounds


def sizes_of(alloc):
    return sorted(np.bincount(alloc.groups, minlength=alloc.n_groups).tolist())


def test_sizes_divisible_and_rounding():
    assert sizes_of(allocate_people(people(20), ATTRS)) == [5] * 4
    assert sizes_of(allocate_people(people(22), ATTRS, rounding="down")) == [4, 4, 4, 5, 5]
    assert sizes_of(allocate_people(people(22), ATTRS, rounding="up")) == [5, 5, 6, 6]
    assert sizes_of(allocate_people(people(22), ATTRS)) == [4, 4, 4, 5, 5]  # nearest: tie -> smaller
    assert sizes_of(allocate_people(people(9), ATTRS)) == [4, 5]  # one group of 9 is too far
    assert sizes_of(allocate_people(people(23), ATTRS)) == [4, 4, 5, 5, 5]


def test_explicit_bounds():
    a = allocate_people(people(20), ATTRS, bounds=[(2, 3), (5, 8), (5, 9)])
    s = np.bincount(a.groups, minlength=3)
    assert 2 <= s[0] <= 3 and 5 <= s[1] <= 8 and 5 <= s[2] <= 9
    with pytest.raises(AllocationInfeasible, match="explicit bounds"):
        allocate_people(people(20), ATTRS, bounds=[(1, 3), (1, 3)])


def test_too_few_people_for_a_full_group_form_one_small_group():
    lo, hi = balanced_bounds(3, GroupSizes(size=5))
    assert lo.tolist() == [3] and hi.tolist() == [3]
    a = allocate_people(people(3), ATTRS)
    assert sizes_of(a) == [3] and a.report["groups_off_target"] == [0]


def test_explicit_limits_stay_hard():
    with pytest.raises(AllocationInfeasible, match="cannot be split"):
        balanced_bounds(3, GroupSizes(size=5, min_size=4))


def test_keep_together_partition_and_error():
    ps = people(30, languages=["en", "fr", "en"])
    a = allocate_people(ps, ATTRS, keep_together=["language"])
    for members in a.members():
        assert len({ps[i]["language"] for i in members}) == 1
    assert a.report["constraint_violations"] == 0
    # Three German speakers are too few for a group of 5: they form one small group, flagged.
    ps2 = people(23, languages=["en"])
    ps2[-1]["language"] = ps2[-2]["language"] = ps2[-3]["language"] = "de"
    a2 = allocate_people(ps2, ATTRS, keep_together=["language"])
    de_groups = [k for k, key in enumerate(a2.group_keys) if key == ("de",)]
    assert len(de_groups) == 1 and a2.report["groups_off_target"] == de_groups
    assert sorted(int(v) for v in np.bincount(a2.groups)) == [3, 5, 5, 5, 5]


def test_pins():
    a = allocate_people(people(20), ATTRS, pins={"p0": 2, "p1": 2, "p7": 0})
    assert a.groups[0] == 2 and a.groups[1] == 2 and a.groups[7] == 0
    with pytest.raises(AllocationInfeasible, match="only 4 groups"):
        allocate_people(people(20), ATTRS, pins={"p0": 9})
    with pytest.raises(AllocationInfeasible, match="pinned to group 1, which holds at most 5"):
        allocate_people(people(20), ATTRS, pins={f"p{i}": 1 for i in range(6)})
    ps = people(20, languages=["en", "fr"])
    with pytest.raises(AllocationInfeasible, match="reserved for another keep-together"):
        allocate_people(ps, ATTRS, keep_together=["language"], pins={"p1": 0})


def test_keep_apart():
    pairs = [("p0", "p1"), ("p0", "p2"), ("p1", "p2"), ("p3", "p4")]
    a = allocate_people(people(20), ATTRS, keep_apart=pairs)
    assert len({a.groups[0], a.groups[1], a.groups[2]}) == 3
    assert a.groups[3] != a.groups[4]
    with pytest.raises(AllocationInfeasible, match="both pinned"):
        allocate_people(people(20), ATTRS, keep_apart=[("p0", "p1")], pins={"p0": 1, "p1": 1})
    clique = [(f"p{i}", f"p{j}") for i in range(5) for j in range(i + 1, 5)]
    with pytest.raises(AllocationInfeasible, match="could not separate"):
        allocate_people(people(20), ATTRS, keep_apart=clique)
    with pytest.raises(AllocationInfeasible, match="single group"):
        allocate_people(people(5), ATTRS, keep_apart=[("p0", "p1")])


def staff(n_fac, n_note, lang=None):
    return [StaffMember(f"f{lang}{i}", ("facilitator",), lang) for i in range(n_fac)] + [
        StaffMember(f"n{lang}{i}", ("note_taker",), lang) for i in range(n_note)
    ]


def test_staff_assignment_with_languages():
    ps = people(20, languages=["en", "fr"])
    st = staff(2, 2, "en") + staff(2, 1, "fr") + [StaffMember("both", ("facilitator", "note_taker"))]
    a = allocate_people(ps, ATTRS, keep_together=["language"], staff=st)
    by_id = {s.id: s for s in st}
    assert sorted(a.facilitators) == [0, 1, 2, 3] and sorted(a.note_takers) == [0, 1, 2, 3]
    used = list(a.facilitators.values()) + list(a.note_takers.values())
    assert len(set(used)) == 8
    for k in range(4):
        for sid in (a.facilitators[k], a.note_takers[k]):
            assert by_id[sid].language in (None, a.group_keys[k][0])
    assert a.report["missing_staff"] == {"facilitator": [], "note_taker": []}


def test_staff_shortage_leaves_named_gaps_and_volunteers_fill_note_takers():
    ps = people(20, languages=["en", "fr"])
    a = allocate_people(ps, ATTRS, keep_together=["language"], staff=staff(2, 2, "en") + staff(1, 2, "fr"))
    fr_groups = [k for k, key in enumerate(a.group_keys) if key == ("fr",)]
    missing = a.report["missing_staff"]
    assert len(missing["facilitator"]) == 1 and missing["facilitator"][0] in fr_groups
    assert missing["note_taker"] == [] and a.report["constraint_violations"] == 0
    b = allocate_people(people(20), ATTRS, staff=staff(4, 2))
    assert sorted(b.note_takers) != [0, 1, 2, 3] and len(b.report["missing_staff"]["note_taker"]) == 2
    # Both short: the groups without a facilitator are not those without a note taker.
    c = allocate_people(people(20), ATTRS, staff=staff(2, 2))
    gaps = c.report["missing_staff"]
    assert len(gaps["facilitator"]) == 2 and len(gaps["note_taker"]) == 2
    assert not set(gaps["facilitator"]) & set(gaps["note_taker"])
    # A staff member who works in two languages serves either.
    both = [StaffMember("fb", ("facilitator",), ("en", "fr"))]
    d = allocate_people(ps, ATTRS, keep_together=["language"], staff=staff(2, 2, "en") + staff(1, 2, "fr") + both)
    assert d.report["missing_staff"]["facilitator"] == []
    a = allocate_people(people(20), ATTRS, staff=staff(4, 2), allow_volunteer_note_takers=True)
    assert len(a.volunteer_note_takers) == 2
    for k in a.volunteer_note_takers:
        pid = a.note_takers[k]
        assert a.groups[int(pid[1:])] == k  # a participant of that very group


def test_unknown_field():
    with pytest.raises(AllocationInfeasible, match="unknown field 'nope'"):
        build_problem(people(10), [("nope", "categorical", 1.0)])


def test_infeasible_is_value_error():
    assert issubclass(AllocationInfeasible, ValueError)
