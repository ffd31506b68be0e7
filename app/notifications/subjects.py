"""What a notification is about, in a few plain words: the post's title or first words, or the group's name.

Read at display time through the visibility rule (the read model's `visible_rows`, `groups_service.access_group`):
a post the member can no longer see gives no subject, so its title never shows."""

import html
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import NotFound
from app.groups import service as groups_service
from app.permissions import Actor
from app.posts import read
from app.search.highlight import plain_title

SUBJECT_CHARS = 60
_SPACES = re.compile(r"\s+")
_LEADING_HEADING = re.compile(r"\s*<h[1-6][^>]*>(.*?)</h[1-6]>", re.DOTALL)
_BLOCKS = {"p", "br", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
           "div", "hr"}
_SKIPPED = {"script", "style"}  # the sanitizer removes them already; their text is never words of the post


class _Text(HTMLParser):
    """The words of sanitized HTML: tags dropped, blocks separated by a space, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def plain_words(body_html: str, width: int = SUBJECT_CHARS) -> str:
    """The first words of a post as plain text (Markdown rendered then stripped: no `**`, `#` or tags left); a
    heading that opens the post stands alone, as its title."""
    heading = _LEADING_HEADING.match(body_html)
    parser = _Text()
    parser.feed(heading.group(1) if heading else body_html[:20_000])
    parser.close()
    text = _SPACES.sub(" ", html.unescape("".join(parser.parts))).strip()
    return plain_title(text, width)


def post_subject(title: str | None, body_html: str) -> str:
    title = _SPACES.sub(" ", title or "").strip()
    return plain_title(title, SUBJECT_CHARS) if title else plain_words(body_html)


async def post_subjects(session: AsyncSession, actor: Actor, post_ids: Iterable[int]) -> dict[int, str]:
    """Subjects of the posts `actor` may see now, by id; the others are absent."""
    rows = await read.visible_rows(session, actor, sorted(set(post_ids)))
    return {post_id: post_subject(row.title, row.body_html) for post_id, row in rows.items()}


async def group_subjects(session: AsyncSession, actor: Actor, group_ids: Iterable[int]) -> dict[int, str]:
    """Names of the groups `actor` may know exist, by id (a secret group they left is absent)."""
    out: dict[int, str] = {}
    for group_id in sorted(set(group_ids)):
        try:
            out[group_id] = (await groups_service.access_group(session, actor, group_id)).name
        except NotFound:
            continue
    return out
