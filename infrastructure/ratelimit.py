"""A fixed-window rate limit on the shared cache (Redis in production), and the client address
it is counted for."""

import ipaddress
from functools import cache as memoize

from django.conf import settings
from django.core.cache import cache

from infrastructure.resilience import best_effort


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


@memoize
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str:
    """The address that rate limits count for.

    X-Forwarded-For is believed only when the connection comes from one of TRUSTED_PROXIES (the
    value uvicorn's --forwarded-allow-ips is given too): from anyone else, rotating the header
    changes nothing. Behind trusted proxies, the right-most address that is not one of them is
    the client; what the client itself wrote further left is ignored."""
    peer = request.META.get("REMOTE_ADDR") or "unknown"
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or not _is_trusted_proxy(peer):
        return peer
    for hop in reversed([part.strip() for part in forwarded.split(",")]):
        if not _is_trusted_proxy(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a hop we cannot read: count the proxy, never a made-up name
    return peer
