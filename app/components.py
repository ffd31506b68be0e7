"""Start/stop hooks of background components (live relay, search indexer), run by the app's lifespan."""

from collections.abc import Callable
from typing import Any

ALL: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]] = []

from app.search import runtime as _search  # noqa: E402

ALL += [(_search.start, _search.stop)]
