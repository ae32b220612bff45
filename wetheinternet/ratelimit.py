"""A fixed-window rate limit on the shared cache (Redis in production)."""

from django.core.cache import cache

from wetheinternet.resilience import best_effort


def parse_rate(rate: str) -> tuple[int, int]:
    """'30/300' -> (30 attempts, 300 seconds)."""
    count, seconds = rate.split("/")
    return int(count), int(seconds)


def rate_limit_hit(scope: str, key: str, rate: str) -> bool:
    """Count one attempt; True when the limit is exceeded for this key in the current window.

    Without the cache (Redis down) nothing is counted: people can still join."""
    limit, window = parse_rate(rate)
    cache_key = f"ratelimit:{scope}:{key}"
    attempts = 0
    with best_effort("rate limit"):
        cache.add(cache_key, 0, timeout=window)
        try:
            attempts = cache.incr(cache_key)
        except ValueError:  # the key expired between add and incr
            cache.set(cache_key, 1, timeout=window)
            attempts = 1
    return attempts > limit


def rate_limit_exceeded(scope: str, key: str, rate: str) -> bool:
    """True when the key already used up its attempts in the current window (counts nothing)."""
    limit, _window = parse_rate(rate)
    attempts = 0
    with best_effort("rate limit"):
        attempts = cache.get(f"ratelimit:{scope}:{key}") or 0
    return attempts >= limit


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"
