"""Search: the bilingual index of posts, comments, members and groups, its API, page and commands."""

from app.feature import Feature

FEATURE = Feature(
    name="search",
    models=("app.search.models",),
    routers=("app.search.routes:router", "app.search.pages:pages", "app.search.synonym_routes:router",
             "app.search.synonym_pages:pages"),
    components=("app.search.runtime",),
    commands=(("search", "app.search.cli:search_cli"),),
)
