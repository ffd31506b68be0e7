"""Slots: the one way a kept output (a card, a page fragment, a post's JSON) receives what differs per request.

A kept text is split at its slots into a list whose odd items are slot names; `join()` puts this request's values
in their places. Markers are `slot(name)`: NUL never occurs in stored or rendered text (input with NUL is refused),
and HTML escaping leaves it unchanged. Joining the pieces reads the text once, where a replace per slot read all of
it each time."""

import re

_SLOTS = re.compile("\x00([a-z_]+)\x00")


def slot(name: str) -> str:
    """The marker that `join()` replaces with `values[name]`: put it where the value goes."""
    return f"\x00{name}\x00"


def split(text: str) -> list[str]:
    """`text` cut at its markers: odd items are slot names."""
    return _SLOTS.split(text)


def join(parts: list[str], values: dict[str, str]) -> str:
    """Parts (from `split`) joined with their values; a slot without a value stays a marker."""
    return "".join([(values[part] if part in values else slot(part)) if i % 2 else part
                    for i, part in enumerate(parts)])


def strings_size(values: tuple[object, ...]) -> int:
    """What the strings of a key (a row) weigh: a cache entry keeps its key too."""
    return sum(len(value) for value in values if isinstance(value, str))
