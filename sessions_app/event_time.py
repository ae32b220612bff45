"""Dates and times in the event's own time zone.

An organiser types and reads an event's times as the clock on the wall where it happens: 18:00
for a Paris event is 18:00 in Paris (17:00 or 16:00 UTC, depending on the season). The partner's
"new event" form and the admin read a typed time the same way, with `aware_in`.
"""

import datetime as dt
import zoneinfo
from functools import cache

UTC_NAME = "UTC"


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def zone_name(value) -> str:
    """A known time zone name, or UTC for anything else (blank, typed by hand, NUL)."""
    return value if isinstance(value, str) and value in _known_zones() else UTC_NAME


def aware_in(local: dt.datetime, tz_name: str) -> dt.datetime:
    """The wall-clock time `local` (naive) in the time zone `tz_name`, as an aware time."""
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone_name(tz_name)))


def local_in(value: dt.datetime, tz_name: str) -> dt.datetime:
    return value.astimezone(zoneinfo.ZoneInfo(zone_name(tz_name)))
