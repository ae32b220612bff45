"""Who is connected now: a connection count per person in the shared cache, kept alive by
heartbeats and expiring on its own when a server process dies without saying goodbye."""

from django.core.cache import cache

from infrastructure.resilience import best_effort

TTL_SECONDS = 60  # clients send a heartbeat every 20 s


def _key(participant_id: int) -> str:
    return f"presence:{participant_id}"


def presence_connect(participant_id: int) -> None:
    key = _key(participant_id)
    with best_effort("presence"):
        if not cache.add(key, 1, timeout=TTL_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=TTL_SECONDS)
        cache.touch(key, TTL_SECONDS)


def presence_heartbeat(participant_id: int) -> None:
    with best_effort("presence"):
        if not cache.touch(_key(participant_id), TTL_SECONDS):
            cache.set(_key(participant_id), 1, timeout=TTL_SECONDS)


def presence_disconnect(participant_id: int) -> None:
    key = _key(participant_id)
    with best_effort("presence"):
        try:
            if cache.decr(key) <= 0:
                cache.delete(key)
        except ValueError:
            pass


def presence_connected(participant_ids) -> set[int]:
    """Who is connected; nobody when the cache cannot be reached."""
    ids = list(participant_ids)
    found = {}
    if ids:
        with best_effort("presence"):
            found = cache.get_many([_key(pid) for pid in ids])
    return {pid for pid in ids if (found.get(_key(pid)) or 0) > 0}
