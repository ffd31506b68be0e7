"""Profile edit, a member's profile with follow / unfollow, the directory."""

import pytest


class TestEditProfile:
    async def test_edit_saves_through_the_service(self, member_browser, client):
        member, b = await member_browser("Alice Martin")
        r = await b.post_form("/people/me/edit", "/people/me/edit", {
            "display_name": "Alice Martin", "handle": "alice", "title": "Data engineer", "department": "Digital",
            "location": "Lyon", "bio": "Hello", "skills": "Python, SQL , , Excel", "language": "fr",
        })
        assert r.status_code == 303
        assert r.headers["location"] == "/people/alice"
        me = (await client.get("/api/v1/users/me", headers=member.headers)).json()
        assert me["skills"] == ["Python", "SQL", "Excel"]
        assert (me["handle"], me["title"], me["department"], me["location"], me["language"]) == \
            ("alice", "Data engineer", "Digital", "Lyon", "fr")
        page = await b.get("/people/alice")
        assert "Votre profil est enregistré." in page.text
        assert 'href="/people?skill=Python"' in page.text

    async def test_invalid_handle_rerenders_422_with_typed_values(self, member_browser):
        _, b = await member_browser("Alice Martin")
        r = await b.post_form("/people/me/edit", "/people/me/edit", {
            "display_name": "Alice M", "handle": "Not Valid!", "title": "Chef <b>", "skills": "a, b",
        })
        assert r.status_code == 422
        assert 'value="Not Valid!"' in r.text
        assert 'value="Chef &lt;b&gt;"' in r.text
        assert 'aria-invalid="true"' in r.text

    async def test_taken_handle_409(self, member_browser, register):
        await register("Bob Dupont")
        _, b = await member_browser("Alice Martin")
        r = await b.post_form("/people/me/edit", "/people/me/edit", {"display_name": "Alice", "handle": "bob.dupont"})
        assert r.status_code == 409
        assert "This handle is taken." in r.text

    async def test_edit_without_csrf_403(self, member_browser, client):
        member, b = await member_browser("Alice Martin")
        r = await b.client.post("/people/me/edit", data={"display_name": "Hacked"})
        assert r.status_code == 403
        me = (await client.get("/api/v1/users/me", headers=member.headers)).json()
        assert me["display_name"] == "Alice Martin"


class TestFollow:
    async def test_follow_then_unfollow(self, member_browser, register, client):
        bob = await register("Bob Dupont")
        alice, b = await member_browser("Alice Martin")
        r = await b.post_form("/people/bob.dupont", "/people/bob.dupont/follow")
        assert r.status_code == 303
        page = await b.get("/people/bob.dupont")
        assert 'action="/people/bob.dupont/unfollow"' in page.text
        assert (await client.get(f"/api/v1/users/{bob.id}", headers=alice.headers)).json()["followed_by_me"] is True
        await b.post_form("/people/bob.dupont", "/people/bob.dupont/unfollow")
        assert (await client.get(f"/api/v1/users/{bob.id}", headers=alice.headers)).json()["followed_by_me"] is False

    async def test_follow_without_csrf_403(self, member_browser, register, client):
        bob = await register("Bob Dupont")
        alice, b = await member_browser("Alice Martin")
        assert (await b.client.post("/people/bob.dupont/follow")).status_code == 403
        assert (await client.get(f"/api/v1/users/{bob.id}", headers=alice.headers)).json()["followed_by_me"] is False


class TestDirectory:
    @pytest.fixture
    async def people(self, register):
        await register("Zoé Python", department="Digital", skills=["Python", "Data"])
        await register("Yves Excel", department="Finance", skills=["Excel"])

    async def test_search_by_skill_and_department(self, people, member_browser):
        _, b = await member_browser("Alice")
        r = await b.get("/people", params={"skill": "python"})
        assert "Zoé Python" in r.text and "Yves Excel" not in r.text
        r = await b.get("/people", params={"department": "finance"})
        assert "Yves Excel" in r.text and "Zoé Python" not in r.text
        r = await b.get("/people", params={"q": "zoe"})
        assert "Zoé Python" in r.text

    async def test_next_page_link_keeps_filters(self, register, member_browser):
        for i in range(26):
            await register(f"Person {i:02d}", department="Digital")
        _, b = await member_browser("Alice")
        r = await b.get("/people", params={"department": "Digital"})
        assert 'rel="next"' in r.text
        href = r.text.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
        assert "department=Digital" in href
        second = await b.get(href)
        assert second.status_code == 200
        assert "Person 25" in second.text and "Person 00" not in second.text
