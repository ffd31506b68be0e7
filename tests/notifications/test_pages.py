"""Notification pages: the bell in the header, the list, following and marking read, the settings form."""

import re

from tests.notifications.test_notifications import wait_notes


class TestShell:
    async def test_header_has_the_bell_and_the_live_scripts_without_inline_script(self, member_browser):
        _, browser = await member_browser("Alice Martin")
        html = (await browser.get("/")).text
        assert 'id="notif-button"' in html and 'aria-expanded="false"' in html
        assert '<script src="/static/js/live.js" defer></script>' in html
        assert '<script src="/static/js/notifications.js" defer></script>' in html
        assert 'id="live-config"' in html and 'data-live-url="/api/v1/live"' in html
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # CSP: no inline script

    async def test_visitors_get_no_bell_nor_socket(self, browser_factory):
        html = (await browser_factory().get("/signin")).text
        assert "notif-button" not in html and "live.js" not in html

    async def test_french_strings(self, member_browser):
        _, browser = await member_browser("Alice Martin", lang="fr")
        html = (await browser.get("/")).text
        assert "1 nouvelle publication" in html and "Tout marquer comme lu" in html

    async def test_static_files_are_served(self, client):
        for path in ("/static/js/live.js", "/static/js/notifications.js", "/static/css/live.css"):
            assert (await client.get(path)).status_code == 200


class TestListPage:
    async def test_list_follow_and_mark_all_read(self, client, register, member_browser, post):
        a = await register("Alice Martin")
        b, browser = await member_browser("Bruno Petit", lang="fr")
        p = await post(a, f"Bonjour @{b.handle}")
        [n] = await wait_notes(client, b, 1)
        page = await browser.get("/notifications")
        assert page.status_code == 200
        assert "Alice Martin vous a mentionné" in page.text and "Non lues" in page.text
        opened = await browser.get(f"/notifications/{n['id']}/open", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == f"/posts/{p['id']}"
        r = await browser.post_form("/notifications", "/notifications/read", {"all": "true"})
        assert r.status_code == 303
        assert (await wait_notes(client, b, 1))[0]["read"] is True
        assert "Aucune notification non lue." in (await browser.get("/notifications?unread=true")).text

    async def test_someone_elses_notification_is_404(self, client, register, member_browser, post):
        a, b = await register("Alice Martin"), await register("Bruno Petit")
        _, other = await member_browser("Chloé Durand")
        await post(a, f"hi @{b.handle}")
        [n] = await wait_notes(client, b, 1)
        assert (await other.get(f"/notifications/{n['id']}/open", follow_redirects=False)).status_code == 404
        assert (await other.get("/notifications/99999999999999999999999/open")).status_code in (404, 422)

    async def test_bell_marks_chosen_ids_as_json(self, client, register, member_browser, post):
        a = await register("Alice Martin")
        b, browser = await member_browser("Bruno Petit")
        await post(a, f"one @{b.handle}")
        await post(a, f"two @{b.handle}")
        first, second = await wait_notes(client, b, 2)
        page = await browser.get("/")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = await browser.client.post("/notifications/read", data={"csrf_token": token, "ids": str(first["id"]),
                                                                   "all": "false"},
                                      headers={"Accept": "application/json"})
        assert r.status_code == 204
        unread = await client.get("/api/v1/notifications?unread=true", headers=b.headers)
        assert [n["id"] for n in unread.json()["items"]] == [second["id"]]
        bad = await browser.client.post("/notifications/read", data={"csrf_token": token, "ids": "x"})
        assert bad.status_code in (400, 422)

    async def test_read_without_csrf_is_refused(self, member_browser):
        _, browser = await member_browser("Bruno Petit")
        r = await browser.client.post("/notifications/read", data={"all": "true"})
        assert r.status_code == 403

    async def test_signed_out_goes_to_sign_in(self, browser_factory):
        r = await browser_factory().get("/notifications", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/signin")


class TestSettingsPage:
    async def test_form_saves_each_kind(self, client, member_browser):
        b, browser = await member_browser("Bruno Petit", lang="fr")
        page = await browser.get("/notifications/settings")
        assert "Réglages des notifications" in page.text and "Dans Ruche et par e-mail" in page.text
        r = await browser.post_form("/notifications/settings", "/notifications/settings",
                                    {"mention": "email", "reaction": "off"})
        assert r.status_code == 303
        settings = (await client.get("/api/v1/notifications/settings", headers=b.headers)).json()
        assert settings["mention"] == "email" and settings["reaction"] == "off" and settings["reply"] == "app"
        assert 'value="email" checked' in (await browser.get("/notifications/settings")).text

    async def test_unknown_choice_is_refused(self, member_browser):
        _, browser = await member_browser("Bruno Petit")
        r = await browser.post_form("/notifications/settings", "/notifications/settings", {"mention": "sms"})
        assert r.status_code == 422
