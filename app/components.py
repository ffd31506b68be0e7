"""Start/stop hooks of background components (live relay, search indexer), run by the app's lifespan."""

from collections.abc import Callable
from typing import Any

ALL: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]] = []

from app.live import component as _live  # noqa: E402
from app.notifications import component as _notifier  # noqa: E402

ALL += [(_live.start, _live.stop), (_notifier.start, _notifier.stop)]

from app.search import runtime as _search  # noqa: E402

ALL += [(_search.start, _search.stop)]
