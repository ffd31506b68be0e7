"""Snippets: a window of the text around the first matched word, HTML-escaped, matches wrapped in <mark>.

Everything but the <mark> tags we add is escaped here, so member-written HTML or Markdown never reaches the
page as markup."""

import html
import re

from app.search.analyzers import WORD_RE, word_stems

SNIPPET_CHARS = 200
LEAD_CHARS = 60
_SPACES = re.compile(r"\s+")
_SCAN_CHARS = 20_000  # the longest post is 20,000 characters


def snippet(text: str, stems: set[str], width: int = SNIPPET_CHARS) -> str:
    text = _SPACES.sub(" ", text[:_SCAN_CHARS]).strip()
    matches = [m for m in WORD_RE.finditer(text) if stems.intersection(word_stems(m.group(0)))]
    start = 0
    if matches and matches[0].start() > LEAD_CHARS:
        start = text.rfind(" ", 0, matches[0].start() - LEAD_CHARS) + 1
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out: list[str] = ["…"] if start > 0 else []
    cursor = start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        out.append(html.escape(text[cursor:m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        cursor = m.end()
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def plain_title(text: str, width: int = 80) -> str:
    """A title from the first words of a body (posts without a title, comments)."""
    text = _SPACES.sub(" ", text[:1000]).strip()
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width)
    return text[: cut if cut > 20 else width] + "…"
