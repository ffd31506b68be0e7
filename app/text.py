"""Text helpers: handles, slugs and accent-folded keys."""

import re
import unicodedata

HANDLE_RE = re.compile(r"^[a-z0-9._-]{2,40}$")


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
