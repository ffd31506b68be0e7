"""Group settings pages (issue 19, point 6): the settings page, archive and delete with confirmation, the pending
requests at the top of the group page, and the network setting of who may create groups."""

import pytest


@pytest.fixture
async def animator(member_browser):
    return await member_browser("Anna Animatrice")


async def _create(b, **fields):
    data = {"name": "Club Agile", "description": "On parle de pratiques", "visibility": "public", "guidelines": "", **fields}
    r = await b.post_form("/groups", "/groups", data)
    assert r.status_code == 303, r.text
    return r


async def _group(client, member):
    [group] = (await client.get("/api/v1/groups?mine=true", headers=member.headers)).json()["items"]
    return group


SETTINGS = "/groups/club-agile/settings"


class TestSettingsPage:
    async def test_animator_and_admin_see_it_member_403_outsider_of_secret_404(self, admin, member_browser, client):
        anna, a = await member_browser("Anna Animatrice")
        await _create(a, visibility="secret")
        page = await a.get(SETTINGS)
        assert page.status_code == 200
        assert 'action="/groups/club-agile/settings"' in page.text and 'name="confirm_name"' in page.text
        assert 'href="/groups/club-agile/settings"' in (await a.get("/groups/club-agile")).text
        mia, m = await member_browser("Mia Membre")
        await client.put(f"/api/v1/groups/{(await _group(client, anna))['id']}/members/{mia.id}",
                         json={"status": "member"}, headers=anna.headers)
        assert (await m.get(SETTINGS)).status_code == 403
        assert 'href="/groups/club-agile/settings"' not in (await m.get("/groups/club-agile")).text
        _, o = await member_browser("Olga Outsider")
        assert (await o.get(SETTINGS)).status_code == 404
        assert (await o.post_form("/groups", "/groups/club-agile/delete", {"confirm_name": "Club Agile"})
                ).status_code == 404

    async def test_admin_manages_a_public_group_they_do_not_belong_to(self, member_browser, browser_factory, admin):
        _, a = await member_browser("Anna Animatrice")
        await _create(a)
        ad = browser_factory("en", admin.token)
        assert (await ad.get(SETTINGS)).status_code == 200

    async def test_saves_name_description_and_guidelines(self, animator, client):
        anna, a = animator
        await _create(a)
        r = await a.post_form(SETTINGS, SETTINGS, {"name": "Club Agile & Lean", "description": "Nouveau",
                                                   "guidelines": "Soyez brefs", "visibility": "public"})
        assert r.status_code == 303 and r.headers["location"] == "/groups/club-agile/settings"
        group = await _group(client, anna)
        assert (group["name"], group["description"], group["guidelines"]) == ("Club Agile & Lean", "Nouveau",
                                                                                "Soyez brefs")

    async def test_invalid_name_422_keeps_what_was_typed(self, animator, client):
        anna, a = animator
        await _create(a)
        r = await a.post_form(SETTINGS, SETTINGS, {"name": " ", "description": "Mon <texte>", "guidelines": "",
                                                   "visibility": "public"})
        assert r.status_code == 422
        assert "Mon &lt;texte&gt;" in r.text and "This field is too short." in r.text
        assert (await _group(client, anna))["description"] == "On parle de pratiques"

    @pytest.mark.parametrize("before,after", [("private", "public"), ("secret", "private"), ("secret", "public")])
    async def test_exposing_change_needs_a_confirmation(self, animator, client, before, after):
        anna, a = animator
        await _create(a, visibility=before)
        fields = {"name": "Club Agile", "description": "Changé", "guidelines": "", "visibility": after}
        r = await a.post_form(SETTINGS, SETTINGS, fields)
        assert r.status_code == 409
        assert "Please confirm" in r.text and 'name="confirm_exposure"' in r.text
        assert f'value="{after}" checked' in r.text and "Changé" in r.text  # the form comes back as typed
        group = await _group(client, anna)
        assert (group["visibility"], group["description"]) == (before, "On parle de pratiques")
        r = await a.post_form(SETTINGS, SETTINGS, {**fields, "confirm_exposure": "yes"})
        assert r.status_code == 303
        assert (await _group(client, anna))["visibility"] == after

    async def test_restricting_change_needs_no_confirmation(self, animator, client):
        anna, a = animator
        await _create(a, visibility="public")
        r = await a.post_form(SETTINGS, SETTINGS, {"name": "Club Agile", "description": "", "guidelines": "",
                                                   "visibility": "secret"})
        assert r.status_code == 303
        assert (await _group(client, anna))["visibility"] == "secret"


class TestArchivePage:
    async def test_archived_group_shows_a_banner_and_no_composer_or_join(self, animator, member_browser):
        _, a = animator
        await _create(a)
        assert 'name="body"' in (await a.get("/groups/club-agile")).text
        r = await a.post_form(SETTINGS, "/groups/club-agile/archive", {"archived": "true"})
        assert r.status_code == 303
        page = await a.get("/groups/club-agile")
        assert "archived-banner" in page.text and "This group is archived: it is read-only." in page.text
        assert 'name="body"' not in page.text
        _, b = await member_browser("Bob Bernard", lang="fr")
        page = await b.get("/groups/club-agile")
        assert "Archivé" in page.text and 'action="/groups/club-agile/join"' not in page.text
        assert "Club Agile" not in (await b.get("/groups")).text
        r = await b.post_form("/groups/club-agile", "/groups/club-agile/join")
        assert r.status_code == 303
        assert "Vous êtes membre" not in (await b.get("/groups/club-agile")).text
        await a.post_form(SETTINGS, "/groups/club-agile/archive", {"archived": "false"})
        assert "archived-banner" not in (await a.get("/groups/club-agile")).text

    async def test_a_comment_refused_in_an_archived_group_keeps_its_text(self, animator, client):
        anna, a = animator
        await _create(a)
        group = await _group(client, anna)
        post = (await client.post("/api/v1/posts", json={"body": "Bilan", "group_id": group["id"]},
                                  headers=anna.headers)).json()
        await a.post_form(SETTINGS, "/groups/club-agile/archive", {"archived": "true"})
        r = await a.post_form(f"/posts/{post['id']}", f"/posts/{post['id']}/comments", {"body": "Mon long avis"})
        assert r.status_code == 403
        assert "Mon long avis" in r.text and "This group is archived: it is read-only." in r.text


    async def test_the_edit_pages_of_an_archived_group_are_refused_before_typing(self, member_browser, client):
        anna, a = await member_browser("Anna Animatrice", lang="fr")
        await _create(a)
        group = await _group(client, anna)
        post = (await client.post("/api/v1/posts", json={"body": "Bilan", "group_id": group["id"]},
                                  headers=anna.headers)).json()
        comment = (await client.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Avis"},
                                     headers=anna.headers)).json()
        assert (await a.get(f"/posts/{post['id']}/edit")).status_code == 200
        await a.post_form(SETTINGS, "/groups/club-agile/archive", {"archived": "true"})
        for path in (f"/posts/{post['id']}/edit", f"/comments/{comment['id']}/edit"):
            page = await a.get(path)
            assert page.status_code == 403, path
            assert "Ce groupe est archivé : il est en lecture seule" in page.text


class TestDeletePage:
    async def test_wrong_name_422_keeps_the_group(self, animator, client):
        anna, a = animator
        await _create(a)
        r = await a.post_form(SETTINGS, "/groups/club-agile/delete", {"confirm_name": "Club"})
        assert r.status_code == 422
        assert "Type the group&#39;s name exactly to delete it." in r.text and 'value="Club"' in r.text
        assert (await a.get("/groups/club-agile")).status_code == 200

    async def test_typing_the_name_deletes_it_and_its_posts(self, animator, client):
        anna, a = animator
        await _create(a)
        group = await _group(client, anna)
        post = (await client.post("/api/v1/posts", json={"body": "Dans le club", "group_id": group["id"]},
                                  headers=anna.headers)).json()
        r = await a.post_form(SETTINGS, "/groups/club-agile/delete", {"confirm_name": "club agile"})
        assert r.status_code == 303 and r.headers["location"] == "/groups"
        assert "The group Club Agile is deleted." in (await a.get("/groups")).text
        assert (await a.get("/groups/club-agile")).status_code == 404
        assert "Dans le club" not in (await a.get("/")).text
        assert (await client.get(f"/api/v1/posts/{post['id']}", headers=anna.headers)).status_code == 404


class TestPendingRequestsBlock:
    async def test_requests_lead_the_page_with_their_count_for_animators_only(self, animator, member_browser):
        _, a = animator
        await _create(a, visibility="private")
        askers = [await member_browser(name) for name in ("Bob Bernard", "Chloé Durand")]
        for _, b in askers:
            await b.post_form("/groups/club-agile", "/groups/club-agile/join")
        page = (await a.get("/groups/club-agile")).text
        block = page.index('aria-labelledby="pending-title"')
        assert block < page.index('id="about-title"')
        assert '<span class="badge badge-count">2</span>' in page
        assert "2 members are waiting for your answer." in page
        for member, _ in askers:
            assert page.count(f'action="/groups/club-agile/members/{member.id}"') == 2  # accept and decline
        bob, _ = askers[0]
        r = await a.post_form("/groups/club-agile", f"/groups/club-agile/members/{bob.id}", {"status": "member"})
        assert r.status_code == 303
        page = (await a.get("/groups/club-agile")).text
        assert '<span class="badge badge-count">1</span>' in page and "1 member is waiting for your answer." in page
        _, other = askers[1]
        assert 'pending-title' not in (await other.get("/groups/club-agile")).text

    async def test_no_block_without_requests(self, animator):
        _, a = animator
        await _create(a, visibility="private")
        assert 'aria-labelledby="pending-title"' not in (await a.get("/groups/club-agile")).text


class TestGroupCreationSetting:
    async def test_admin_page_changes_the_setting(self, admin, browser_factory, client):
        ad = browser_factory("en", admin.token)
        page = await ad.get("/admin/settings")
        assert page.status_code == 200 and 'value="everyone" checked' in page.text
        assert 'href="/admin/settings"' in (await ad.get("/admin/users")).text
        r = await ad.post_form("/admin/settings", "/admin/settings", {"group_creation": "admins"})
        assert r.status_code == 303
        assert 'value="admins" checked' in (await ad.get("/admin/settings")).text
        assert (await client.get("/api/v1/admin/settings", headers=admin.headers)).json() == {"group_creation": "admins"}
        r = await ad.post_form("/admin/settings", "/admin/settings", {"group_creation": "nobody"})
        assert r.status_code == 303
        assert (await client.get("/api/v1/admin/settings", headers=admin.headers)).json() == {"group_creation": "admins"}

    async def test_members_cannot_open_the_admin_page(self, admin, member_browser):
        _, m = await member_browser("Mia Membre")
        assert (await m.get("/admin/settings")).status_code == 403
        assert (await m.post_form("/groups", "/admin/settings", {"group_creation": "everyone"})).status_code == 403

    async def test_create_form_is_replaced_by_an_explanation(self, admin, member_browser, client):
        await client.put("/api/v1/admin/settings", json={"group_creation": "animators"}, headers=admin.headers)
        _, m = await member_browser("Mia Membre", lang="fr")
        page = await m.get("/groups")
        assert 'id="create-refused"' in page.text and 'action="/groups" class="stack"' not in page.text
        r = await m.post_form("/groups", "/groups", {"name": "Mon groupe", "visibility": "public"})
        assert r.status_code == 403 and 'id="create-refused"' in r.text
        assert (await client.get("/api/v1/groups", headers=admin.headers)).json()["items"] == []


class TestRefusalsInFrench:
    async def test_admin_pages_refuse_a_member_in_their_language(self, admin, member_browser):
        """The 403 pages of the new admin pages say why in French, not in the service's English."""
        _, m = await member_browser("Mia Membre", lang="fr")
        for path, said in (("/admin/settings", "Seuls les administrateurs peuvent voir les réglages du réseau"),
                           ("/admin/skill-synonyms", "Seuls les administrateurs peuvent modifier les synonymes")):
            page = await m.get(path)
            assert page.status_code == 403
            assert said in page.text, path
            assert "Only administrators" not in page.text
