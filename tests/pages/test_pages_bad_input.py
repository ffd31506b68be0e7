"""Bad input on pages is a 4xx page, never a 500: NUL bytes, oversized fields, bad cursors, odd paths."""

import pytest


class TestBadInput:
    @pytest.mark.parametrize("url", [
        "/people?cursor=bm90LWpzb24", "/people?cursor=WzFd", "/groups?cursor=%%%", "/admin/users?cursor=e30",
        "/groups?q=a%00b", "/people?department=%00", "/groups/%00", "/groups/" + "a" * 300, "/people/" + "b" * 300,
    ])
    async def test_get_is_4xx(self, member_browser, url):
        _, b = await member_browser("Alice Admin")
        r = await b.get(url)
        assert 400 <= r.status_code < 500, (url, r.status_code)

    @pytest.mark.parametrize("data", [
        {"display_name": "Al\x00ice", "handle": "alice"},
        {"display_name": "A" * 6000, "handle": "alice"},
        {"display_name": "Alice", "handle": "alice", "skills": ",".join(["s"] * 40)},
        {"display_name": "Alice", "handle": "alice", "language": "de"},
    ])
    async def test_profile_form_is_4xx(self, member_browser, data):
        _, b = await member_browser("Alice Admin")
        r = await b.post_form("/people/me/edit", "/people/me/edit", data)
        assert r.status_code in (403, 409, 422), r.status_code

    async def test_sign_in_with_huge_email_is_422(self, browser_factory):
        b = browser_factory()
        r = await b.post_form("/signin", "/signin", {"email": "a" * 5000, "password": "x"})
        assert r.status_code == 422

    async def test_add_member_unknown_or_malformed_handle(self, member_browser):
        _, b = await member_browser("Alice Admin")
        await b.post_form("/groups", "/groups", {"name": "Club", "visibility": "public"})
        for handle in ("x" * 41, "a\x00b", "Not Valid"):
            r = await b.post_form("/groups/club", "/groups/club/members", {"handle": handle})
            assert r.status_code in (303, 422), (handle, r.status_code)

    async def test_member_action_on_unknown_user_404(self, member_browser):
        _, b = await member_browser("Alice Admin")
        await b.post_form("/groups", "/groups", {"name": "Club", "visibility": "public"})
        r = await b.post_form("/groups/club", "/groups/club/members/999999", {"status": "member"})
        assert r.status_code == 404
        r = await b.post_form("/admin/users", "/admin/users/999999", {"role": "member"})
        assert r.status_code == 404
