"""The one cache helper (infrastructure.caching): versions in keys, one builder at a time while
the others get the previous copy, process-local memos that tests can empty, and a shared cache
that may be down."""

from unittest import mock

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from dialogues import results_cache
from infrastructure import caching
from infrastructure.caching import LocalMemo, cached, cached_fresh, clear_process_caches


class Counter:
    def __init__(self, *values):
        self.values = list(values)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.values[min(self.calls, len(self.values)) - 1]


def test_a_versioned_value_is_computed_once_per_version():
    compute = Counter("v1", "v2")
    assert cached("thing:1", compute, version=1, timeout=60) == "v1"
    assert cached("thing:1", compute, version=1, timeout=60) == "v1"
    assert compute.calls == 1
    assert cache.get("thing:1:1") == "v1"  # the key is the key and the version
    assert cached("thing:1", compute, version=2, timeout=60) == "v2"
    assert compute.calls == 2


def test_a_fresh_copy_is_served_and_a_stale_one_rebuilt():
    compute = Counter("first", "second")
    assert cached_fresh("snap", compute, fresh=60) == "first"
    assert cached_fresh("snap", compute, fresh=60) == "first"
    assert compute.calls == 1
    assert cached_fresh("snap", compute, fresh=0.0) == "second"
    assert compute.calls == 2


def test_while_one_caller_rebuilds_the_others_get_the_previous_copy():
    cached_fresh("snap", lambda: "old", fresh=60)
    cache.add("snap:building", 1, timeout=10)  # another caller is rebuilding
    compute = Counter("new")
    assert cached_fresh("snap", compute, fresh=0.0) == "old"
    assert compute.calls == 0
    cache.delete("snap:building")
    assert cached_fresh("snap", compute, fresh=0.0) == "new"
    assert cache.get("snap:building") is None  # the builder lets go of the lock


def test_before_the_first_copy_a_caller_may_wait_for_the_builder(monkeypatch):
    cache.add("page:building", 1, timeout=10)
    monkeypatch.setattr(caching, "FIRST_COPY_POLL", 0.001)
    compute = Counter("built here")
    assert cached_fresh("page", compute, fresh=1, first_copy_wait=0.01) == "built here"  # the builder is stuck
    assert cache.get("page") is None  # and what was built meanwhile is not kept
    assert cached_fresh("other", Counter("everyone builds"), fresh=1) == "everyone builds"


def test_none_is_returned_but_not_kept():
    compute = Counter(None, "found")
    assert cached_fresh("maybe", compute, fresh=60) is None
    assert cached_fresh("maybe", compute, fresh=60) == "found"


def test_a_local_memo_in_front_spares_the_shared_cache():
    local = LocalMemo("test: pages")
    cached_fresh("page", lambda: "html", fresh=60, local=local)
    with mock.patch.object(caching.cache, "get", side_effect=AssertionError("read the shared cache")):
        assert cached_fresh("page", lambda: "other", fresh=60, local=local) == "html"


def test_when_the_shared_cache_is_down_values_are_worked_out_again(caplog):
    down = RedisConnectionError("Connection refused")
    with (
        mock.patch.object(caching.cache, "get", side_effect=down),
        mock.patch.object(caching.cache, "set", side_effect=down),
        mock.patch.object(caching.cache, "add", side_effect=down),
        mock.patch.object(caching.cache, "delete", side_effect=down),
    ):
        assert cached("state", lambda: {"phase": None}, version=3, timeout=60) == {"phase": None}
        assert cached_fresh("snap", lambda: "built", fresh=1, first_copy_wait=5) == "built"
    assert "skipped" in caplog.text


def test_a_local_memo_keeps_copies_by_age_and_by_version():
    now = [100.0]
    memo = LocalMemo("test: memo", clock=lambda: now[0])
    memo.put("a", 1)
    assert memo.get("a", max_age=2) == 1
    now[0] += 2
    assert memo.get("a", max_age=2) is None
    memo.put("b", "etag", version="12:00")
    assert memo.get("b", version="12:00") == "etag"
    assert memo.get("b", version="12:01") is None
    compute = Counter(None)
    assert memo.get_or_compute("c", compute) is None
    assert memo.get_or_compute("c", compute) is None
    assert compute.calls == 1  # a None is kept, not asked for again


def test_a_full_memo_starts_again():
    memo = LocalMemo("test: small", max_entries=2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (None, None, 3)


@pytest.mark.parametrize("round_", [1, 2])
def test_every_memo_is_emptied_between_tests(round_):
    """The autouse fixture of tests/conftest.py empties the project's memos."""
    memo = results_cache._open_data
    assert memo.get(("any", "csv"), version="x") is None  # the previous round's copy is gone
    memo.put(("any", "csv"), "content", version="x")


def test_clear_process_caches_empties_every_memo():
    first, second = LocalMemo("test: one"), LocalMemo("test: two")
    first.put("a", 1)
    second.put("b", 2)
    clear_process_caches()
    assert first.get("a") is None and second.get("b") is None
