"""Group sizes never fail: any head count and any target size forms groups as close to the
target as the numbers allow (property tests over the sizes function)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from groups.allocation.sizes import plan_groups

people = st.integers(min_value=2, max_value=100_000)
targets = st.integers(min_value=3, max_value=8)
prefer = st.sampled_from(["larger", "smaller"])


def splittable(n: int, s: int) -> bool:
    """Some number of groups of s - 1 .. s + 1 people holds exactly n people."""
    return any(g * (s - 1) <= n <= g * (s + 1) for g in range(1, n // max(1, s - 1) + 2))


def worst(n, g, s):
    return max(abs(-(-n // g) - s), abs(n // g - s))


@settings(max_examples=400, deadline=None)
@given(people, targets, prefer)
def test_every_head_count_is_seated_once_in_groups_near_the_target(n, s, pref):
    plan = plan_groups(n, s, pref)
    sizes = plan.sizes
    assert sum(sizes) == n and len(sizes) == plan.groups >= 1
    assert max(sizes) - min(sizes) <= 1
    assert min(sizes) >= 2  # nobody alone
    if splittable(n, s):
        assert plan.within_target and all(s - 1 <= k <= s + 1 for k in sizes)
    else:
        # No split within the target exists: no other number of groups comes closer.
        assert not plan.within_target
        assert worst(n, plan.groups, s) == min(worst(n, g, s) for g in range(1, n // 2 + 1))


@settings(max_examples=200, deadline=None)
@given(people, targets)
def test_the_preference_only_breaks_ties(n, s):
    larger, smaller = plan_groups(n, s, "larger"), plan_groups(n, s, "smaller")
    assert worst(n, larger.groups, s) == worst(n, smaller.groups, s)
    assert larger.groups <= smaller.groups
    if larger.within_target and n % s and smaller.groups != larger.groups:
        assert max(smaller.sizes) <= s <= min(larger.sizes)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=20_000), targets, prefer, st.integers(min_value=1, max_value=5_000))
def test_a_cap_on_groups_makes_fewer_larger_groups(n, s, pref, cap):
    plan = plan_groups(n, s, pref, max_groups=cap)
    assert 1 <= plan.groups <= cap and sum(plan.sizes) == n
    assert plan.groups <= plan_groups(n, s, pref).groups


def test_every_small_head_count_for_every_target():
    """The table an organiser meets: 2..200 people, targets 3..8, both preferences."""
    for s in range(3, 9):
        for n in range(2, 201):
            for pref in ("larger", "smaller"):
                plan = plan_groups(n, s, pref)
                assert sum(plan.sizes) == n
                assert plan.within_target == splittable(n, s), (n, s, pref, plan.sizes)


def test_a_set_smaller_than_the_smallest_group_forms_one_flagged_group():
    plan = plan_groups(3, 5)
    assert plan.sizes == [3] and not plan.within_target
    assert plan_groups(2, 8).sizes == [2]
    assert plan_groups(8, 5).sizes == [4, 4] and plan_groups(8, 5, "larger").sizes == [4, 4]
