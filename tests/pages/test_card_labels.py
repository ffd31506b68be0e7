"""Card times: the cached relative labels read exactly as Babel writes them, in both languages."""

from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_timedelta

from app.posts import cards


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_relative_labels_match_babel_for_every_second_of_a_week(locale: str) -> None:
    # Every unit boundary Babel has (the 0.85 threshold, the rounding) lies on some step of this walk.
    for seconds in [*range(-3 * 3600, 3 * 3600, 7), *range(-7 * 86400, 7 * 86400, 601)]:
        delta = timedelta(seconds=seconds, microseconds=250_000)
        assert cards._relative(delta, locale) == format_timedelta(delta, add_direction=True, locale=locale), seconds


def test_time_label_is_empty_just_now_then_relative_then_a_date() -> None:
    now = datetime.now(UTC)
    assert cards.time_label(now - timedelta(seconds=10), "en") == ""
    assert cards.time_label(now - timedelta(minutes=3, seconds=5), "en") == "3 minutes ago"
    assert cards.time_label(now - timedelta(hours=5), "fr") == "il y a 5 heures"
    assert cards.time_label(datetime(2020, 3, 14, 12, 0), "fr") == "14 mars 2020"  # naive means UTC
