"""Group list and creation, group page visibility, join / request / accept / decline / leave, add and promote."""

import pytest


@pytest.fixture
async def animator(member_browser):
    return await member_browser("Anna Animatrice")


async def _create(b, **fields):
    data = {"name": "Club Agile", "description": "On parle de pratiques", "visibility": "public", "guidelines": "", **fields}
    return await b.post_form("/groups", "/groups", data)


class TestCreateGroup:
    async def test_create_redirects_to_the_group_page(self, animator, client):
        member, b = animator
        r = await _create(b, visibility="private", guidelines="Soyez bienveillants")
        assert r.status_code == 303
        assert r.headers["location"] == "/groups/club-agile"
        page = await b.get("/groups/club-agile")
        assert page.status_code == 200
        assert "Soyez bienveillants" in page.text and "Your group is created." in page.text
        assert "You animate this group" in page.text
        api = (await client.get("/api/v1/groups?mine=true", headers=member.headers)).json()["items"]
        assert [(g["name"], g["visibility"], g["my_status"]) for g in api] == [("Club Agile", "private", "animator")]

    async def test_empty_name_422_keeps_typed_values(self, animator):
        _, b = animator
        r = await _create(b, name="  ", description="Ma <description>", visibility="secret")
        assert r.status_code == 422
        assert "Ma &lt;description&gt;" in r.text
        assert 'value="secret" checked' in r.text

    async def test_duplicate_name_409(self, animator):
        _, b = animator
        await _create(b)
        r = await _create(b, name="club agile")
        assert r.status_code == 409
        assert "A group with this name already exists." in r.text

    async def test_create_without_csrf_403(self, animator, client):
        member, b = animator
        r = await b.client.post("/groups", data={"name": "X", "visibility": "public"})
        assert r.status_code == 403
        assert (await client.get("/api/v1/groups", headers=member.headers)).json()["items"] == []


class TestGroupVisibility:
    async def test_secret_group_404_for_non_members_and_absent_from_list(self, animator, member_browser):
        _, a = animator
        await _create(a, name="Comité secret", visibility="secret")
        _, outsider = await member_browser("Olivier Outsider")
        r = await outsider.get("/groups/comite-secret")
        assert r.status_code == 404
        assert "Comité secret" not in r.text
        assert "Comité secret" not in (await outsider.get("/groups")).text
        assert (await outsider.post_form("/groups", "/groups/comite-secret/join")).status_code == 404

    async def test_private_group_visible_with_ask_to_join(self, animator, member_browser):
        _, a = animator
        await _create(a, visibility="private")
        _, other = await member_browser("Bob")
        page = await other.get("/groups/club-agile")
        assert page.status_code == 200
        assert "Ask to join" in page.text
        assert "Membership requests" not in page.text


class TestMembership:
    async def test_request_accept_flow(self, animator, member_browser):
        _, a = animator
        await _create(a, visibility="private")
        bob, b = await member_browser("Bob Bernard")
        r = await b.post_form("/groups/club-agile", "/groups/club-agile/join")
        assert r.status_code == 303
        assert "Your request is pending" in (await b.get("/groups/club-agile")).text
        page = await a.get("/groups/club-agile")
        assert f'action="/groups/club-agile/members/{bob.id}"' in page.text
        r = await a.post_form("/groups/club-agile", f"/groups/club-agile/members/{bob.id}", {"status": "member"})
        assert r.status_code == 303
        assert "You are a member" in (await b.get("/groups/club-agile")).text

    async def test_decline_request(self, animator, member_browser):
        _, a = animator
        await _create(a, visibility="private")
        bob, b = await member_browser("Bob Bernard")
        await b.post_form("/groups/club-agile", "/groups/club-agile/join")
        await a.post_form("/groups/club-agile", f"/groups/club-agile/members/{bob.id}", {"action": "remove"})
        assert "Ask to join" in (await b.get("/groups/club-agile")).text

    async def test_non_animator_cannot_accept(self, animator, member_browser):
        _, a = animator
        await _create(a, visibility="private")
        bob, b = await member_browser("Bob Bernard")
        _, c = await member_browser("Carla")
        await b.post_form("/groups/club-agile", "/groups/club-agile/join")
        r = await c.post_form("/groups/club-agile", f"/groups/club-agile/members/{bob.id}", {"status": "member"})
        assert r.status_code == 403
        assert "Your request is pending" in (await b.get("/groups/club-agile")).text

    async def test_join_public_then_leave(self, animator, member_browser):
        _, a = animator
        await _create(a)
        _, b = await member_browser("Bob Bernard")
        await b.post_form("/groups/club-agile", "/groups/club-agile/join")
        assert "You are a member" in (await b.get("/groups/club-agile")).text
        r = await b.post_form("/groups/club-agile", "/groups/club-agile/leave")
        assert r.headers["location"] == "/groups"
        assert "Join the group" in (await b.get("/groups/club-agile")).text

    async def test_last_animator_cannot_leave(self, animator):
        _, a = animator
        await _create(a)
        r = await a.post_form("/groups/club-agile", "/groups/club-agile/leave")
        assert r.headers["location"] == "/groups/club-agile"
        assert "at least one animator" in (await a.get("/groups/club-agile")).text

    async def test_add_by_handle_to_secret_group_and_promote(self, animator, member_browser):
        _, a = animator
        await _create(a, name="Comité secret", visibility="secret")
        bob, b = await member_browser("Bob Bernard")
        r = await a.post_form("/groups/comite-secret", "/groups/comite-secret/members", {"handle": "@bob.bernard"})
        assert r.status_code == 303
        assert (await b.get("/groups/comite-secret")).status_code == 200
        await a.post_form("/groups/comite-secret", f"/groups/comite-secret/members/{bob.id}", {"status": "animator"})
        assert "You animate this group" in (await b.get("/groups/comite-secret")).text

    async def test_add_unknown_handle_flashes_an_error(self, animator):
        _, a = animator
        await _create(a)
        r = await a.post_form("/groups/club-agile", "/groups/club-agile/members", {"handle": "nobody"})
        assert r.status_code == 303
        assert "No member has the handle @nobody." in (await a.get("/groups/club-agile")).text

    async def test_join_without_csrf_403(self, animator, member_browser):
        _, a = animator
        await _create(a)
        _, b = await member_browser("Bob")
        assert (await b.client.post("/groups/club-agile/join")).status_code == 403
        assert "Join the group" in (await b.get("/groups/club-agile")).text
