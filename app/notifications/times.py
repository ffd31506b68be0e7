"""When a notification happened, as a member reads it: relative today, "yesterday at 14:03", then a date.

The relative labels are the read model's (`app.posts.cards.TimeLabels`, kept per process); what depends on the
member's time zone (which day it was, the hour) is formatted here with Babel in that zone."""

from datetime import UTC, datetime, timedelta, tzinfo
from typing import NamedTuple

from babel.dates import format_date, format_datetime, format_time

from app.posts.cards import JUST_NOW_S, TimeLabels

RELATIVE_WITHIN = timedelta(hours=1)  # "12 minutes ago" even when midnight passed in between


class When(NamedTuple):
    iso: str  # the <time datetime> attribute (UTC)
    label: str  # empty for "just now" (the template says it in the page's language)
    yesterday_at: str  # the hour when it was yesterday in the member's zone, else empty
    full: str  # date and hour in the member's zone (the tooltip)


def when(labels: TimeLabels, moment: datetime, now: datetime, zone: tzinfo, locale: str) -> When:
    """The parts of a notification's time for a member in `zone` reading in `locale` at `now`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    full = format_datetime(moment, format="medium", tzinfo=zone, locale=locale)
    delta = moment - now
    if abs(delta.total_seconds()) < JUST_NOW_S:
        return When(moment.isoformat(), "", "", full)
    if -delta < RELATIVE_WITHIN or local.date() == today:
        return When(moment.isoformat(), labels.relative(delta, locale), "", full)
    if local.date() == today - timedelta(days=1):
        return When(moment.isoformat(), "", format_time(local, format="short", tzinfo=zone, locale=locale), full)
    pattern = "d MMM" if local.year == today.year else "medium"
    return When(moment.isoformat(), format_date(local.date(), format=pattern, locale=locale), "", full)
