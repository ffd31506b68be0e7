"""Posts, comments and reactions: their API, their pages and the card fragments live updates insert."""

from app.feature import Feature

FEATURE = Feature(
    name="posts",
    models=("app.posts.models",),
    routers=("app.posts.routes:router", "app.posts.pages:pages", "app.posts.comment_pages:pages",
             "app.posts.social_pages:pages"),
)
