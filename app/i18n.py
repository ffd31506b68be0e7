"""French and English: Babel catalogs from frontend/translations, the request's locale in a context variable.

`translations()` compiles each catalog once (`lru_cache`): catalogs ship with the code, not process state."""

import io
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"
current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@lru_cache
def translations(directory: Path, locale: str) -> NullTranslations:
    """Compile the .po in memory: no build step, and the catalog in git is the one served."""
    po_path = directory / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return NullTranslations()
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def negotiate(preferred: str | None, accept_language: str | None) -> str:
    """The member's setting, else the browser's Accept-Language, else English."""
    if preferred in LOCALES:
        return preferred
    for lang, _q in _parse_accept_language(accept_language or ""):
        base = lang.split("-")[0].lower()
        if base in LOCALES:
            return base
    return DEFAULT_LOCALE


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for part in header.split(",")[:20]:
        lang, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if lang:
            out.append((lang, q))
    return sorted(out, key=lambda item: -item[1])
