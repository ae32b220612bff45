"""The project's one way to cache: over Django's shared cache (Redis in production), and in
the memory of one process.

- ``cached``: a value that a version in its key makes immutable (e.g. an event's state at one
  ``live_version``), kept for ``timeout`` seconds.
- ``cached_fresh``: a value that is rebuilt when older than ``fresh`` seconds, by one caller
  at a time; the others are served the previous copy meanwhile. Before the first copy, everyone
  builds, or (``first_copy_wait``) they wait a little for the one who does. A ``LocalMemo``
  in front spares a crowd of readers even the read of the shared cache.
- ``LocalMemo``: this process's copies, fresh for an age or for as long as a version (e.g. the
  time a snapshot was built) stays the same. Every memo is registered, so that
  ``clear_process_caches`` empties them all (tests; a change that must show at once).

The shared cache is best effort, as ``infrastructure.resilience`` is for notifications: when it
is down, a read finds nothing, a write is skipped and the value is worked out again.
"""

import time
from collections.abc import Callable, Hashable
from typing import Any

from django.core.cache import cache

from infrastructure.resilience import best_effort

LOCK_SECONDS = 10  # a builder that died lets another one build after this long
FIRST_COPY_POLL = 0.05  # seconds between looks for the first copy that another caller builds

_MISSING = object()
_MEMOS: list["LocalMemo"] = []


def _read(key: str):
    with best_effort(f"cache read of {key}"):
        return cache.get(key)
    return None


def _write(key: str, value, timeout: float) -> None:
    with best_effort(f"cache write of {key}"):
        cache.set(key, value, timeout=timeout)


def _lock(key: str) -> bool:
    """True when this caller may build: it took the lock, or there is no cache to lock in."""
    with best_effort(f"cache lock of {key}"):
        return cache.add(key, 1, timeout=LOCK_SECONDS)
    return True


def _unlock(key: str) -> None:
    with best_effort(f"cache unlock of {key}"):
        cache.delete(key)


def versioned_key(key: str, version: Any = None) -> str:
    return key if version is None else f"{key}:{version}"


def cached(key: str, compute: Callable[[], Any], *, timeout: float, version: Any = None):
    """``compute()``, kept in the shared cache under ``key:version`` for ``timeout`` seconds.

    A new version is a new key: the copies of older versions are never read again and expire.
    A ``None`` result is not kept."""
    full_key = versioned_key(key, version)
    value = _read(full_key)
    if value is None:
        value = compute()
        if value is not None:
            _write(full_key, value, timeout)
    return value


def cached_fresh(
    key: str,
    compute: Callable[[], Any],
    *,
    fresh: float,
    timeout: float = 3600,
    version: Any = None,
    first_copy_wait: float | None = None,
    local: "LocalMemo | None" = None,
):
    """``compute()``, rebuilt when the shared copy is ``fresh`` seconds old, by one caller at a time.

    The others are served the previous copy while it is rebuilt. With no copy at all, everyone
    builds, unless ``first_copy_wait`` is given: then one caller builds and the others wait up to
    that many seconds for its copy (if it never comes, they build without keeping the result).
    ``local``: this process also keeps each copy it reads or builds until it is ``fresh`` seconds
    old (counted from when it was built). A ``None`` result is returned but not kept."""
    full_key = versioned_key(key, version)
    if local is not None:
        found = local.get(full_key, max_age=fresh)
        if found is not None:
            return found
    stored = _read(full_key)
    if stored is not None and time.time() - stored[0] < fresh:
        if local is not None:
            local.put(full_key, stored[1], at=stored[0])
        return stored[1]
    lock = f"{full_key}:building"
    locked = False
    if stored is not None or first_copy_wait is not None:
        locked = _lock(lock)
        if not locked:
            if stored is not None:
                return stored[1]
            deadline = time.monotonic() + first_copy_wait
            while time.monotonic() < deadline:
                time.sleep(FIRST_COPY_POLL)
                stored = _read(full_key)
                if stored is not None:
                    return stored[1]
            return compute()  # the builder is stuck: do it here
    try:
        value = compute()
        if value is not None:
            built = (time.time(), value)
            _write(full_key, built, timeout)
            if local is not None:
                local.put(full_key, value, at=built[0])
    finally:
        if locked:
            _unlock(lock)
    return value


class LocalMemo:
    """This process's copies: ``{key: (stamp, version, value)}``.

    ``get`` finds a copy younger than ``max_age`` seconds (by ``clock``) and of the same
    ``version``; ``None`` values may be kept (``get_or_compute`` tells them from a miss). With
    ``max_entries``, a full memo starts again rather than grow (many scopes x languages)."""

    def __init__(self, name: str, *, max_entries: int | None = None, clock: Callable[[], float] = time.time):
        self.name = name
        self.max_entries = max_entries
        self.clock = clock
        self._entries: dict[Hashable, tuple[float, Any, Any]] = {}
        _MEMOS.append(self)

    def __repr__(self) -> str:
        return f"LocalMemo({self.name!r}, {len(self._entries)} entries)"

    def _lookup(self, key: Hashable, max_age: float | None, version: Any):
        found = self._entries.get(key)
        if found is None:
            return _MISSING
        stamp, stored_version, value = found
        if max_age is not None and self.clock() - stamp >= max_age:
            return _MISSING
        if stored_version != version:
            return _MISSING
        return value

    def get(self, key: Hashable, *, max_age: float | None = None, version: Any = None, default=None):
        value = self._lookup(key, max_age, version)
        return default if value is _MISSING else value

    def put(self, key: Hashable, value, *, version: Any = None, at: float | None = None) -> None:
        if self.max_entries is not None and len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (self.clock() if at is None else at, version, value)

    def get_or_compute(
        self, key: Hashable, compute: Callable[[], Any], *, max_age: float | None = None, version: Any = None
    ):
        value = self._lookup(key, max_age, version)
        if value is _MISSING:
            value = compute()
            self.put(key, value, version=version)
        return value

    def clear(self) -> None:
        self._entries.clear()


def clear_process_caches() -> None:
    """Empty every ``LocalMemo`` of this process."""
    for memo in _MEMOS:
        memo.clear()
