"""Markdown rendering: sanitization against XSS, links, @mentions and #topics."""

import re
import time
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app import markdown
from app.posts.models import PostMention

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "<javascript:alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](vbscript:msgbox(1))",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="#" onclick="alert(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<p style="color:red">styled</p>',
    "[x](file:///etc/passwd)",
    '"><img src=x onerror=alert(1)>',
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
]


class Tags(HTMLParser):
    """Every tag and attribute actually present in rendered HTML (escaped text does not count)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def assert_safe(html: str) -> None:
    for tag, attrs in tags_of(html):
        assert tag in markdown.ALLOWED_TAGS, (tag, html)
        assert tag not in ("script", "svg", "iframe", "img", "style", "math"), html
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (name, html)
            if name in ("href", "src"):
                url = (value or "").strip().lower()
                assert url.startswith(("http://", "https://", "mailto:", "/")) or ":" not in url.split("/")[0], html
        if tag == "a" and "href" in attrs:
            assert attrs["rel"] == "noopener noreferrer nofollow", html


class TestSanitization:
    @pytest.mark.parametrize("payload", XSS_PAYLOADS)
    def test_payload_renders_inert(self, payload: str) -> None:
        html = markdown.render(payload)
        assert_safe(html)
        for real_tag in re.findall(r"<[a-zA-Z][^>]*>", html):  # escaped text (&lt;...) is not a tag
            for needle in ("javascript:", "vbscript:", "data:", "file:", "script", "svg", "iframe", "img", "style"):
                assert needle not in real_tag.lower(), html

    @pytest.mark.parametrize("html", [
        '<p onclick="x">a</p><a href="JaVaScRiPt:alert(1)">b</a><a href="data:text/html,x">c</a>',
        '<img src=x onerror=alert(1)><svg onload=alert(1)></svg><script>alert(1)</script><iframe></iframe>',
        '<a href="https://ok.example" target="_blank" style="x">ok</a>',
    ])
    def test_sanitize_alone_strips_what_is_not_allowed(self, html: str) -> None:
        clean = markdown.sanitize(html)
        assert_safe(clean)
        assert "script" not in clean and "onerror" not in clean and "onload" not in clean and "style" not in clean

    def test_allowed_markdown_survives(self) -> None:
        html = markdown.render("# T\n\n**b** _i_ ~~s~~ `c`\n\n> q\n\n- a\n\n| h |\n|---|\n| d |\n\n[l](https://e.fr)")
        for tag in ("h1", "strong", "em", "s", "code", "blockquote", "ul", "li", "table", "th", "td"):
            assert f"<{tag}>" in html, tag
        assert '<a href="https://e.fr" rel="noopener noreferrer nofollow">l</a>' in html

    def test_bare_urls_are_linkified(self) -> None:
        html = markdown.render("See https://intranet.example/page and www.example.com")
        assert '<a href="https://intranet.example/page" rel="noopener noreferrer nofollow">' in html
        assert 'href="http://www.example.com"' in html

    def test_images_become_links(self) -> None:
        html = markdown.render("![Chart](https://e.fr/c.png)")
        assert html == '<p><a href="https://e.fr/c.png" rel="noopener noreferrer nofollow">Chart</a></p>\n'

    def test_a_body_full_of_tags_renders_quickly(self) -> None:
        started = time.perf_counter()
        for body in ("#ab " * 5000, "@ab " * 5000, "#ab-@cd " * 2500):
            markdown.parse(body).render({"ab"})
        assert time.perf_counter() - started < 5  # quadratic matching took seconds per body

    def test_deep_nesting_does_not_fail(self) -> None:
        assert_safe(markdown.render(">" * 20_000 + " x"))
        assert_safe(markdown.render("[" * 10_000 + "]" * 10_000))
        assert_safe(markdown.render("*a **" * 4_000))

    async def test_stored_body_html_is_sanitized(self, client: httpx.AsyncClient, mia: Any) -> None:
        for i, payload in enumerate(XSS_PAYLOADS):
            r = await client.post("/api/v1/posts", json={"body": f"{payload}\n\n{i}"}, headers=mia.headers)
            assert r.status_code == 201, (payload, r.text)
            assert r.json()["body"] == f"{payload}\n\n{i}"
            assert_safe(r.json()["body_html"])


class TestTopics:
    def test_topics_are_lowercased_with_accents_kept(self) -> None:
        parsed = markdown.parse("#Lancement #ÉquipeRH #sécurité_2024 #end- et #Lancement encore")
        assert parsed.topics == ["lancement", "équiperh", "sécurité_2024", "end"]

    def test_decomposed_accents_are_composed(self) -> None:
        assert markdown.parse("#E\u0301quipe").topics == ["\u00e9quipe"]

    def test_not_topics(self) -> None:
        parsed = markdown.parse("C# and `#code` and https://e.fr/#frag and [#linked](https://e.fr) a#b &#35;")
        assert parsed.topics == []

    def test_topic_links(self) -> None:
        html = markdown.render("Voir #Lancement")
        assert html == ('<p>Voir <a href="/topics/lancement" class="topic" rel="noopener noreferrer nofollow">'
                        "#Lancement</a></p>\n")

    def test_comments_do_not_tag_topics(self) -> None:
        parsed = markdown.parse("#Lancement", topics=False)
        assert parsed.topics == [] and "<a" not in parsed.render()

    @pytest.mark.parametrize(("raw", "expected"), [("#Lancement", "lancement"), ("Équipe", "équipe"),
                                                   ("a b", None), ("", None), ("x" * 61, None)])
    def test_normalize_topic(self, raw: str, expected: str | None) -> None:
        assert markdown.normalize_topic(raw) == expected


class TestMentions:
    def test_candidates_exclude_emails_and_code(self) -> None:
        parsed = markdown.parse("Hi @Marie.Dupont, @bob. mail jo@example.com `@code` [@x](https://e.fr)")
        assert parsed.handles == ["marie.dupont", "bob"]

    def test_only_known_handles_become_links(self) -> None:
        html = markdown.parse("@known and @unknown").render({"known"})
        assert '<a href="/people/known" class="mention" rel="noopener noreferrer nofollow">@known</a>' in html
        assert "@unknown" in html and "/people/unknown" not in html

    async def test_post_mentions_resolve_active_members_at_most_ten(
        self, client: httpx.AsyncClient, register: Any, admin: Any, mia: Any, session: Any
    ) -> None:
        people = [await register(f"Person {i:02d}", f"p{i}@example.com") for i in range(12)]
        gone = people[-1]
        assert (await client.patch(f"/api/v1/admin/users/{gone.id}", json={"active": False},
                                   headers=admin.headers)).status_code == 200
        body = " ".join(f"@{p.handle}" for p in people) + " @nobody.here"
        r = await client.post("/api/v1/posts", json={"body": body}, headers=mia.headers)
        assert r.status_code == 201
        post = r.json()
        assert [m["id"] for m in post["mentions"]] == sorted((p.id for p in people[:10]),
                                                             key=lambda i: next(p.handle for p in people if p.id == i))
        assert post["body_html"].count('class="mention"') == 11  # every active member is linked
        assert f"/people/{gone.handle}" not in post["body_html"] and "/people/nobody.here" not in post["body_html"]
        assert await session.scalar(select(func.count()).select_from(PostMention)) == 10

    async def test_mention_suggestions(self, client: httpx.AsyncClient, register: Any, mia: Any) -> None:
        await register("Zoé Zébulon", "zoe@example.com")
        await register("Paul Zola", "paul@example.com")
        r = await client.get("/api/v1/mentions", params={"q": "@zo"}, headers=mia.headers)
        assert r.status_code == 200
        assert [u["display_name"] for u in r.json()["items"]] == ["Paul Zola", "Zoé Zébulon"]
        assert (await client.get("/api/v1/mentions", params={"q": "100%_"}, headers=mia.headers)).json()["items"] == []
        assert (await client.get("/api/v1/mentions", params={"q": ""}, headers=mia.headers)).status_code == 422
        assert (await client.get("/api/v1/mentions", params={"q": "a\x00"}, headers=mia.headers)).status_code == 422
        assert (await client.get("/api/v1/mentions", params={"q": "zo"})).status_code == 401
