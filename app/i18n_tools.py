"""Catalog maintenance without make: `python -m app.i18n_tools update` extracts every message of the
templates and Python code (babel.cfg) and merges them into frontend/translations/{en,fr}; `check` lists
French messages still untranslated (exit 1 if any). Catalogs are compiled in memory at start-up."""

import os
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from app.config import ROOT_DIR
from app.i18n import LOCALES

TRANSLATIONS = ROOT_DIR / "frontend" / "translations"


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def _extract(pot: str) -> None:
    os.chdir(ROOT_DIR)  # locations in the catalogs stay relative to the repository
    _babel("extract", "-F", str(ROOT_DIR / "babel.cfg"), "-k", "N_", "--no-wrap", "--sort-by-file",
           "--project", "Ruche", "-o", pot, ".")


def extracted_ids() -> set[str]:
    """Every message id the templates and the code use today."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = str(Path(tmp) / "messages.pot")
        _extract(pot)
        with open(pot, "rb") as fh:
            catalog = read_po(fh)
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def update() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pot = str(Path(tmp) / "messages.pot")
        _extract(pot)
        for locale in LOCALES:
            po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
            if po.exists():
                _babel("update", "-i", pot, "-o", str(po), "-l", locale, "--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching")
            else:
                _babel("init", "-i", pot, "-o", str(po), "-l", locale, "--no-wrap")


def untranslated(locale: str = "fr") -> list[str]:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    if command == "update":
        update()
        return 0
    if command == "check":
        missing = untranslated("fr")
        for msgid in missing:
            print(f"untranslated (fr): {msgid}")
        return 1 if missing else 0
    print("usage: python -m app.i18n_tools [update|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
