"""A least-recently-used map bounded by the size of what it holds, for per-process caches of rendered output."""

from collections import OrderedDict
from collections.abc import Hashable


class SizedLRU:
    """Values with the size the caller gives them (in characters or bytes); the least recently used go first once
    the total passes `max_size`. An item bigger than `max_item` is not kept."""

    def __init__(self, max_size: int, max_item: int) -> None:
        self.max_size, self.max_item = max_size, max_item
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._size = 0

    def get(self, key: Hashable) -> object | None:
        entry = self._items.get(key)
        if entry is None:
            return None
        self._items.move_to_end(key)
        return entry[0]

    def put(self, key: Hashable, value: object, size: int) -> None:
        if size > self.max_item or key in self._items:
            return
        self._items[key] = (value, size)
        self._size += size
        while self._size > self.max_size:
            _, (_, evicted) = self._items.popitem(last=False)
            self._size -= evicted

    def reset(self) -> None:
        self._items.clear()
        self._size = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        return self._size

