"""Text helpers: handles, slugs, accent-folded keys, and the one rule for characters a name may not hide."""

import re
import unicodedata

HANDLE_RE = re.compile(r"^[a-z0-9._-]{2,40}$")
# Fillers that render as nothing although Unicode calls them letters or symbols: a name made of them looks blank.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_LINE_BREAKS = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")


def visible_line(value: str) -> str:
    """A one-line text (a name, a handle, a title) without the characters that disguise it.

    Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+061C, U+200E/F) reorder what follows them, so
    "Alice\u202eecilA" shows as another name; zero-width and other format characters (category Cf: U+200B-U+200D,
    U+2060-U+2064, U+FEFF, soft hyphens...) and blank-looking fillers make two names look alike or a name look
    empty. They are removed, never shown; line breaks and tabs become spaces, other control characters go. NUL
    is left for the schemas to refuse (a 422, as everywhere else)."""
    if value.isascii() and value.isprintable():
        return value  # nearly every name: nothing to look at
    kept = []
    for ch in value:
        if ch in _LINE_BREAKS:
            kept.append(" ")
        elif ch == "\x00":
            kept.append(ch)
        elif ch in _BLANK_LOOKING or unicodedata.category(ch) in ("Cf", "Cc"):
            continue
        else:
            kept.append(ch)
    return "".join(kept)


def fold(text: str) -> str:
    """Lowercase without accents: 'Communauté' -> 'communaute'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(text: str, max_length: int = 40, sep: str = "-") -> str:
    slug = re.sub(r"[^a-z0-9]+", sep, fold(text)).strip(sep)
    return slug[:max_length].strip(sep)


def handle_base(display_name: str) -> str:
    base = slugify(display_name, max_length=32, sep=".")
    return base if len(base) >= 2 else "member"
