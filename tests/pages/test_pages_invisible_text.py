"""Names and titles typed in the pages lose their bidirectional and invisible control characters (issue 19,
point 10; the rule itself: tests/users/test_invisible_text.py)."""

from typing import Any

import httpx

from tests.pages.conftest import csrf_of

ME = "/api/v1/users/me"


class TestPages:
    async def test_sign_up(self, browser_factory: Any, admin: Any) -> None:
        browser = browser_factory()
        await browser.post_form("/signup", "/signup", {
            "display_name": "Mal\u202elory", "email": "mal@example.com", "password": "correct horse battery"})
        r = await browser.get("/people/me/edit")
        assert r.status_code == 200
        assert 'value="Mallory"' in r.text and "\u202e" not in r.text

    async def test_profile_edit_group_and_composer(self, member_browser: Any, client: httpx.AsyncClient) -> None:
        member, browser = await member_browser("Nina")
        page = await browser.get("/people/me/edit")
        r = await browser.client.post("/people/me/edit", data={
            "csrf_token": csrf_of(page.text), "display_name": "Ni\u200bna", "handle": "nina", "title": "Boss\u202e",
            "department": "", "location": "", "bio": "", "skills": "", "language": ""})
        assert r.status_code == 303, r.text
        me = (await client.get(ME, headers=member.headers)).json()
        assert (me["display_name"], me["title"]) == ("Nina", "Boss")
        r = await browser.post_form("/groups", "/groups", {"name": "Gr\u2067oup", "visibility": "public"})
        assert r.status_code == 303, r.text
        r = await browser.post_form("/", "/posts", {"title": "Ti\u200ftle", "body": "Hello", "next": "/"})
        assert r.status_code == 303, r.text
        posts = (await client.get("/api/v1/feed", headers=member.headers)).json()["items"]
        assert posts[0]["title"] == "Title"
        groups = (await client.get("/api/v1/groups", headers=member.headers)).json()["items"]
        assert "Group" in [g["name"] for g in groups]
