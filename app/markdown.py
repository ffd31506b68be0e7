"""Markdown bodies: render with markdown-it-py, find @mentions and #topics, and always sanitize with nh3.

Rendering happens in two steps so mentions can be checked against the database in between:
`parse(text)` tokenizes once and collects candidate handles and topics; `Parsed.render(known_handles)`
turns the candidates that are real members into links and everything else into plain text.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

MAX_HANDLE = 40
MAX_TOPIC = 60
MAX_CANDIDATES = 100  # bounds the database lookup for a body full of @words

# "@handle" not glued to a word, a dot or another "@" (so e-mail addresses are not mentions).
MENTION_RE = re.compile(r"(?<![\w.@])@([A-Za-z0-9][A-Za-z0-9._-]{1,39})")
# "#topic" not glued to a word or "&" (entities, "C#"): Unicode letters, digits, "_" and "-".
# Combining accents are accepted so a topic typed in decomposed form ("e" + U+0301) is read whole, then composed.
TOPIC_RE = re.compile(r"(?<![\w&#/])#([^\W][\w\u0300-\u036f-]*)", re.UNICODE)
TOPIC_NAME_RE = re.compile(r"^[\w-]{1,60}$", re.UNICODE)

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "blockquote",
    "ul", "ol", "li", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_CLASSES = {"a": {"mention", "topic"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"


def normalize_topic(raw: str) -> str | None:
    """`#Lancement` -> `lancement`; accents kept as typed, lowercased. None when not a valid topic."""
    topic = unicodedata.normalize("NFC", raw.strip().lstrip("#")).lower().rstrip("-_")
    if not TOPIC_NAME_RE.match(topic):
        return None
    return topic


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.enable(["table", "strikethrough", "linkify"])
    md.core.ruler.push("ruche_refs", _refs_rule)
    md.add_render_rule("ruche_mention", _render_mention)
    md.add_render_rule("image", _render_image)
    return md


def _refs_rule(state: StateCore) -> None:
    """Split text tokens (outside links and code) into text, mention and topic tokens."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        block.children = _split_children(block.children, state.env)  # type: ignore[arg-type]


def _split_children(children: list[Token], env: dict[str, Any]) -> list[Token]:
    out: list[Token] = []
    link_depth = 0
    for token in children:
        if token.type == "link_open":
            link_depth += 1
        elif token.type == "link_close":
            link_depth -= 1
        if token.type != "text" or link_depth > 0 or ("@" not in token.content and "#" not in token.content):
            out.append(token)
            continue
        out.extend(_split_text(token.content, env))
    return out


def _split_text(text: str, env: dict[str, Any]) -> list[Token]:
    pieces: list[tuple[int, int, str, str]] = []
    in_mention = bytearray(len(text))  # positions covered by a mention: "#" there is not a topic
    for match in MENTION_RE.finditer(text):
        handle = match.group(1).rstrip(".-_").lower()
        if len(handle) >= 2:
            end = match.start() + 1 + len(handle)
            pieces.append((match.start(), end, "mention", handle))
            in_mention[match.start():end] = b"\x01" * (end - match.start())
    if env.get("topics_enabled"):
        for match in TOPIC_RE.finditer(text):
            topic = normalize_topic(match.group(1))
            if topic is not None and not in_mention[match.start()]:
                end = match.start() + 1 + len(match.group(1).rstrip("-_"))
                pieces.append((match.start(), end, "topic", topic))
    pieces.sort()
    tokens: list[Token] = []
    position = 0
    for start, end, kind, value in pieces:
        if start < position:
            continue
        if start > position:
            tokens.append(_text(text[position:start]))
        if kind == "mention":
            _remember(env, "handles", value)
            mention = Token("ruche_mention", "", 0, content=text[start:end], meta={"handle": value})
            tokens.append(mention)
        else:
            _remember(env, "topics", value)
            tokens.extend(_link(f"/topics/{value}", text[start:end], "topic"))
        position = end
    if position < len(text):
        tokens.append(_text(text[position:]))
    return tokens


def _remember(env: dict[str, Any], key: str, value: str) -> None:
    seen: list[str] = env.setdefault(key, [])
    if value not in seen and len(seen) < MAX_CANDIDATES:
        seen.append(value)


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _link(href: str, label: str, css_class: str) -> list[Token]:
    return [
        Token("link_open", "a", 1, attrs={"href": href, "class": css_class}),
        _text(label),
        Token("link_close", "a", -1),
    ]


def _render_mention(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    escaped = _escape(token.content)
    handle = token.meta["handle"]
    if handle in env.get("known_handles", ()):
        return f'<a href="/people/{_escape(handle)}" class="mention">{escaped}</a>'
    return escaped


def _render_image(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    """Images are shown as links: remote images would track readers and the CSP blocks them anyway."""
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    label = _escape(self.renderInlineAsText(token.children or [], options, env) if token.children else token.content)
    return f'<a href="{_escape(src)}">{label or _escape(src)}</a>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


_MD = _build()


@dataclass
class Parsed:
    """A tokenized body: the candidate handles and topics it contains, ready to render."""

    tokens: list[Token]
    env: dict[str, Any]
    handles: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    def render(self, known_handles: set[str] | frozenset[str] = frozenset()) -> str:
        """Sanitized HTML; only `known_handles` become links to their profile."""
        env = {**self.env, "known_handles": set(known_handles)}
        return sanitize(_MD.renderer.render(self.tokens, _MD.options, env))


def parse(text: str, *, topics: bool = True) -> Parsed:
    """Tokenize a Markdown body; `topics=False` leaves `#words` as text (comments)."""
    env: dict[str, Any] = {"topics_enabled": topics}
    tokens = _MD.parse(text, env)
    return Parsed(tokens=tokens, env=env, handles=list(env.get("handles", [])), topics=list(env.get("topics", [])))


def render(text: str, known_handles: set[str] | frozenset[str] = frozenset(), *, topics: bool = True) -> str:
    return parse(text, topics=topics).render(known_handles)


def sanitize(html: str) -> str:
    """The allow-list every stored `body_html` goes through, whatever produced it."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
