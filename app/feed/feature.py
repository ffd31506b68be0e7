"""Feeds: the home page, the feeds' API and the topic pages (the posts sections of other pages live here too)."""

from app.feature import Feature

FEATURE = Feature(
    name="feed",
    routers=("app.feed.pages:pages", "app.feed.routes:router"),
)
