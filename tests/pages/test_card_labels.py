"""Card times: the cached relative labels read exactly as Babel writes them, in both languages."""

from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_timedelta

from app.posts import cards


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_relative_labels_match_babel_for_every_second_of_a_week(locale: str) -> None:
    # Every unit boundary Babel has (the 0.85 threshold, the rounding) lies on some step of this walk.
    labels = cards.TimeLabels()
    for seconds in [*range(-3 * 3600, 3 * 3600, 7), *range(-7 * 86400, 7 * 86400, 601)]:
        delta = timedelta(seconds=seconds, microseconds=250_000)
        assert labels.relative(delta, locale) == format_timedelta(delta, add_direction=True, locale=locale), seconds


def test_time_label_is_empty_just_now_then_relative_then_a_date() -> None:
    now = datetime.now(UTC)
    labels = cards.TimeLabels()
    assert labels.label(now - timedelta(seconds=10), "en") == ""
    assert labels.label(now - timedelta(minutes=3, seconds=5), "en") == "3 minutes ago"
    assert labels.label(now - timedelta(hours=5), "fr") == "il y a 5 heures"
    assert labels.label(datetime(2020, 3, 14, 12, 0), "fr") == "14 mars 2020"  # naive means UTC


def test_labels_are_kept_until_reset() -> None:
    labels = cards.TimeLabels()
    moment = datetime(2020, 3, 14, 12, 0, tzinfo=UTC)
    assert labels.absolute(moment, "en", "d MMM yyyy") == "14 Mar 2020"
    assert len(labels._absolute) == 1
    labels.reset()
    assert len(labels._absolute) == 0
