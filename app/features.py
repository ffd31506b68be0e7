"""The features of the application, one line each, in the order their routes are tried (see app.feature).

The home page and the feeds come first: they are the most requested."""

from app.feature import Feature, load

FEATURES: tuple[str, ...] = (
    "app.feed.feature",
    "app.posts.feature",
    "app.core",
    "app.users.feature",
    "app.groups.feature",
    "app.network.feature",
    "app.live.feature",
    "app.notifications.feature",
    "app.search.feature",
    "app.ops.feature",
    "app.observability.feature",
)


def features() -> list[Feature]:
    return [load(name).FEATURE for name in FEATURES]


def load_models() -> None:
    """Import every table of every feature (Alembic, tests)."""
    for feature in features():
        for module in feature.models:
            load(module)
