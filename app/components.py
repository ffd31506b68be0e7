"""Start/stop hooks of background components (live relay, search indexer), run by the app's lifespan."""

from collections.abc import Callable
from typing import Any

ALL: list[tuple[Callable[[Any], Any], Callable[[Any], Any]]] = []
