"""Members' time zones: IANA names checked with zoneinfo (the system's tz database, else the `tzdata` package)."""

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_NAME = 64  # the longest IANA name is 32 characters


def valid_time_zone(name: str) -> str:
    """The name itself if zoneinfo knows it; ValueError otherwise (paths and odd characters included)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or "\x00" in name or ".." in name or name.startswith("/"):
        raise ValueError("Unknown time zone")
    try:
        _zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError("Unknown time zone") from exc
    return name


def zone_of(name: str | None, default: str) -> ZoneInfo:
    """A member's zone (their choice, else the site's default); a name the database no longer knows falls back."""
    for candidate in (name, default, "UTC"):
        if candidate:
            try:
                return _zone(candidate)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
    return _zone("UTC")


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    # The tz database ships with the system: reading it once per name is not process state.
    return ZoneInfo(name)
