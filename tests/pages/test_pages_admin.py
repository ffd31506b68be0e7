"""The admin accounts page: admins only; role changes and deactivation go through the service."""


class TestAdminUsers:
    async def test_member_gets_403(self, member_browser):
        await member_browser("Alice Admin")
        _, bob = await member_browser("Bob Member")
        r = await bob.get("/admin/users")
        assert r.status_code == 403
        assert "Access denied" in r.text
        bob.client.headers["Accept-Language"] = "fr"
        r = await bob.get("/admin/users")
        assert "Seuls les administrateurs peuvent gérer les comptes." in r.text

    async def test_no_deactivate_button_on_own_row(self, member_browser):
        alice, a = await member_browser("Alice Admin")
        page = (await a.get("/admin/users")).text
        assert f'action="/admin/users/{alice.id}" class="inline-form" data-confirm' not in page

    async def test_member_cannot_post_changes(self, member_browser, client):
        alice, _ = await member_browser("Alice Admin")
        _, b = await member_browser("Bob Member")
        token = (await b.get("/groups")).text.split('name="csrf_token" value="')[1].split('"')[0]
        r = await b.client.post(f"/admin/users/{alice.id}", data={"csrf_token": token, "active": "false"})
        assert r.status_code == 403
        assert (await client.get("/api/v1/users/me", headers=alice.headers)).status_code == 200

    async def test_admin_changes_role_and_deactivates(self, member_browser, client):
        _, a = await member_browser("Alice Admin")
        bob, _ = await member_browser("Bob Member")
        page = await a.get("/admin/users")
        assert page.status_code == 200 and "bob.member" in page.text
        r = await a.post_form("/admin/users", f"/admin/users/{bob.id}", {"role": "moderator"})
        assert r.status_code == 303
        assert "The account of Bob Member is updated." in (await a.get("/admin/users")).text
        r = await a.post_form("/admin/users", f"/admin/users/{bob.id}", {"active": "false"})
        assert r.status_code == 303
        assert (await client.get("/api/v1/users/me", headers=bob.headers)).status_code == 401
        assert "Reactivate" in (await a.get("/admin/users")).text

    async def test_admin_cannot_deactivate_self(self, member_browser):
        alice, a = await member_browser("Alice Admin")
        r = await a.post_form("/admin/users", f"/admin/users/{alice.id}", {"active": "false"})
        assert r.status_code == 303
        assert "You cannot deactivate your own account." in (await a.get("/admin/users")).text

    async def test_bad_role_is_refused(self, member_browser, client):
        _, a = await member_browser("Alice Admin")
        bob, _ = await member_browser("Bob Member")
        await a.post_form("/admin/users", f"/admin/users/{bob.id}", {"role": "emperor"})
        me = (await client.get("/api/v1/users/me", headers=bob.headers)).json()
        assert me["role"] == "member"

    async def test_without_csrf_403(self, member_browser, client):
        _, a = await member_browser("Alice Admin")
        bob, _ = await member_browser("Bob Member")
        assert (await a.client.post(f"/admin/users/{bob.id}", data={"active": "false"})).status_code == 403
        assert (await client.get("/api/v1/users/me", headers=bob.headers)).status_code == 200
