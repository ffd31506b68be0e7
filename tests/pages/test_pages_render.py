"""Every page renders in French and in English, with the shell's landmarks and the right <html lang>."""

import pytest


@pytest.fixture
async def world(member_browser, client):
    """An admin with a group and a colleague: enough for every page to show real content."""
    admin, _ = await member_browser("Alice Admin", department="Digital", skills=["Python", "Accessibilité"])
    bob, _ = await member_browser("Bob Marchand", department="Digital", title="Product owner")
    g = await client.post("/api/v1/groups", headers=admin.headers,
                          json={"name": "Communauté Agile", "description": "Nos pratiques", "visibility": "private",
                                "guidelines": "Bienveillance"})
    assert g.status_code == 201
    return {"admin": admin, "bob": bob, "group": g.json()}


PAGES = ["/", "/people", "/people?skill=python", "/people/me/edit", "/people/bob.marchand", "/people/alice.admin",
         "/groups", "/groups/communaute-agile", "/admin/users"]
SIGNED_OUT_PAGES = ["/signin", "/signup"]

FRENCH = {"/": "Mes groupes", "/people": "Qui peut répondre ?", "/people?skill=python": "Compétence",
          "/people/me/edit": "Modifier mon profil", "/people/bob.marchand": "Abonnés",
          "/people/alice.admin": "Compétences", "/groups": "Créer un groupe", "/groups/communaute-agile": "Membres",
          "/admin/users": "Comptes", "/signin": "Se connecter", "/signup": "Créer mon compte"}
ENGLISH = {"/": "My groups", "/people": "Who can answer this?", "/people?skill=python": "Skill",
           "/people/me/edit": "Edit my profile", "/people/bob.marchand": "Followers",
           "/people/alice.admin": "Skills", "/groups": "Create a group", "/groups/communaute-agile": "Members",
           "/admin/users": "Accounts", "/signin": "Sign in", "/signup": "Create my account"}


class TestPagesRender:
    @pytest.mark.parametrize("lang,texts", [("fr-FR,fr;q=0.9,en;q=0.5", FRENCH), ("en-GB,en;q=0.9", ENGLISH)])
    @pytest.mark.parametrize("path", PAGES)
    async def test_signed_in_page_in_both_languages(self, world, browser_factory, path, lang, texts):
        b = browser_factory(lang, world["admin"].token)
        r = await b.get(path)
        assert r.status_code == 200, r.text[:500]
        assert f'<html lang="{lang[:2]}">' in r.text
        assert texts[path] in r.text
        assert r.headers["cache-control"] == "no-store"
        for landmark in ('<main id="main"', '<nav class="main-nav"', 'href="#main"', 'action="/signout"'):
            assert landmark in r.text

    @pytest.mark.parametrize("lang,texts", [("fr", FRENCH), ("en", ENGLISH)])
    @pytest.mark.parametrize("path", SIGNED_OUT_PAGES)
    async def test_signed_out_page_in_both_languages(self, browser_factory, path, lang, texts):
        r = await browser_factory(lang).get(path)
        assert r.status_code == 200
        assert f'<html lang="{lang}">' in r.text
        assert texts[path] in r.text
        assert 'action="/signout"' not in r.text

    async def test_no_inline_script_or_style(self, world, browser_factory):
        b = browser_factory("en", world["admin"].token)
        for path in PAGES:
            html = (await b.get(path)).text
            assert "<script>" not in html and "<style" not in html and " style=" not in html
            assert " onclick=" not in html

    async def test_admin_link_only_for_admins(self, world, browser_factory):
        assert 'href="/admin/users"' in (await browser_factory("en", world["admin"].token).get("/groups")).text
        assert 'href="/admin/users"' not in (await browser_factory("en", world["bob"].token).get("/groups")).text


class TestLocale:
    async def test_member_language_beats_accept_language(self, member_browser):
        _, b = await member_browser("Claire", lang="en", language="fr")
        r = await b.get("/people")
        assert '<html lang="fr">' in r.text

    async def test_language_switch_sets_cookie_for_visitors(self, browser_factory):
        b = browser_factory("en")
        r = await b.post_form("/signin", "/language", {"lang": "fr", "next": "/signup"})
        assert r.status_code == 303
        assert r.headers["location"] == "/signup"
        assert "lang=fr" in r.headers["set-cookie"]
        assert '<html lang="fr">' in (await b.get("/signin")).text

    async def test_language_switch_saves_member_language(self, member_browser, client):
        member, b = await member_browser("Claire", lang="en")
        r = await b.post_form("/groups", "/language", {"lang": "fr", "next": "https://evil.example/"})
        assert r.headers["location"] == "/"
        me = await client.get("/api/v1/users/me", headers=member.headers)
        assert me.json()["language"] == "fr"

    async def test_language_switch_without_csrf_403(self, browser_factory):
        b = browser_factory("en")
        await b.get("/signin")
        assert (await b.client.post("/language", data={"lang": "fr"})).status_code == 403


class TestErrorPages:
    @pytest.mark.parametrize("lang,title", [("fr", "Page introuvable"), ("en", "Page not found")])
    async def test_404_page(self, member_browser, lang, title):
        _, b = await member_browser("Alice", lang=lang)
        r = await b.get("/groups/no-such-group")
        assert r.status_code == 404
        assert title in r.text

    async def test_unknown_member_404(self, member_browser):
        _, b = await member_browser("Alice")
        assert (await b.get("/people/nobody.here")).status_code == 404
        assert (await b.get("/people/%00bad")).status_code == 404

    async def test_nul_in_directory_query_422_not_500(self, member_browser):
        _, b = await member_browser("Alice")
        assert (await b.get("/people", params={"q": "a\x00b"})).status_code == 422
        assert (await b.get("/people", params={"cursor": "not-a-cursor"})).status_code == 422


class TestUnknownUrl:
    async def test_member_gets_the_404_page_with_nav_in_their_language(self, member_browser):
        _, b = await member_browser("Claire", lang="en", language="fr")
        r = await b.get("/no/such/page")
        assert r.status_code == 404
        assert '<html lang="fr">' in r.text and "Page introuvable" in r.text
        assert 'action="/signout"' in r.text

    async def test_revoked_cookie_gets_the_visitor_404(self, member_browser, client):
        member, b = await member_browser("Claire")
        await client.post("/api/v1/auth/logout", headers=member.headers)
        r = await b.get("/no/such/page")
        assert r.status_code == 404
        assert 'action="/signout"' not in r.text

    async def test_api_404_stays_json(self, member_browser):
        _, b = await member_browser("Claire")
        r = await b.get("/api/v1/nothing")
        assert r.status_code == 404
        assert r.json() == {"detail": "Not Found"}


class TestMemberHeader:
    """The signed-in header is kept rendered per member, language and section (app.templating._member_shell): each
    member still sees only their own, with this request's CSRF field and address."""

    async def test_each_member_sees_their_own(self, world, browser_factory, client):
        alice = browser_factory("en", world["admin"].token)
        bob = browser_factory("en", world["bob"].token)
        for _ in range(2):  # the second round is served from the kept fragments
            a, b = (await alice.get("/")).text, (await bob.get("/")).text
            assert '<span class="member-name">Alice Admin</span>' in a and 'href="/people/alice.admin"' in a
            assert '<span class="member-name">Bob Marchand</span>' in b and 'href="/people/bob.marchand"' in b
            assert "Bob Marchand</span>" not in a and "Alice Admin</span>" not in b
            assert 'href="/admin/users"' in a and 'href="/admin/users"' not in b  # only the admin's menu has Admin
        r = await client.patch("/api/v1/users/me", headers=world["bob"].headers, json={"display_name": "Robert M"})
        assert r.status_code == 200
        assert '<span class="member-name">Robert M</span>' in (await bob.get("/")).text

    async def test_section_address_and_csrf_are_this_requests(self, world, browser_factory):
        b = browser_factory("en", world["bob"].token)
        home, people = (await b.get("/")).text, (await b.get("/people?skill=python")).text
        assert '<a href="/" aria-current="page">' in home and '<a href="/people" aria-current="page">' in people
        assert '<a href="/" aria-current="page">' not in people
        assert 'name="next" value="/people?skill=python"' in people  # the language switch comes back here
        token = b.client.cookies.get("ruche_csrf")
        assert token and "\x00" not in people and people.count('name="csrf_token"') >= 2
        fields = {line.strip() for line in people.splitlines() if 'name="csrf_token"' in line}
        assert len(fields) == 1  # one token, the same in the header's forms and the page's

    async def test_search_box_keeps_the_query_escaped(self, world, browser_factory):
        html = (await browser_factory("en", world["bob"].token).get("/search", params={"q": '<b>"x"'})).text
        assert 'value="&lt;b&gt;&#34;x&#34;"' in html
        assert '<b>"x"' not in html

    async def test_live_settings_carry_no_membership(self, world, browser_factory, client):
        """The server decides which new posts belong to a feed (app.feed.service.feed_row): the page carries none
        of the rules, and its kept live settings do not change when the member joins a group."""
        b = browser_factory("en", world["bob"].token)
        before = (await b.get("/")).text
        assert "data-member-groups" not in before
        group = world["group"]["id"]
        r = await client.put(f"/api/v1/groups/{group}/members/{world['bob'].id}", headers=world["admin"].headers,
                             json={"status": "member"})
        assert r.status_code == 200, r.text
        assert "data-member-groups" not in (await b.get("/")).text


class TestKeptHomePage:
    """The home page's first page is kept around its slots (app.templating.render with `slots`): each member still
    sees their own page, this request's cards, composer, sidebar and CSRF field, and the flash messages."""

    async def test_each_member_sees_their_welcome_and_the_newest_cards(self, world, browser_factory, make_post):
        alice = browser_factory("en", world["admin"].token)
        bob = browser_factory("en", world["bob"].token)
        for round_ in range(2):
            await make_post(world["admin"], f"Nouvelle note {round_}")
            a, b = (await alice.get("/")).text, (await bob.get("/")).text
            assert "Welcome, Alice Admin" in a and "Welcome, Bob Marchand" in b and "Welcome, Bob" not in a
            for page in (a, b):
                assert f"Nouvelle note {round_}" in page and "\x00" not in page
                assert page.index('id="feed"') < page.index(f"Nouvelle note {round_}") < page.index("home-sidebar")
            assert 'name="csrf_token" value="' in a
            group_option = f'<option value="{world["group"]["id"]}"'
            assert group_option in a and group_option not in b  # only its members may post in the group

    async def test_the_composer_key_is_new_on_each_load(self, world, browser_factory):
        alice = browser_factory("en", world["admin"].token)
        keys = [(await alice.get("/")).text.split('name="idempotency_key" value="')[1].split('"')[0] for _ in range(2)]
        assert keys[0] and keys[0] != keys[1]

    async def test_the_profile_notice_follows_the_profile(self, world, browser_factory, client):
        alice = browser_factory("en", world["admin"].token)
        assert "Complete your profile" in (await alice.get("/")).text  # no title yet
        r = await client.patch("/api/v1/users/me", headers=world["admin"].headers, json={"title": "Coach"})
        assert r.status_code == 200
        page = (await alice.get("/")).text
        assert "Complete your profile" not in page and "Here is what is happening" in page

    async def test_a_flash_message_shows_with_the_whole_page(self, world, browser_factory):
        alice = browser_factory("en", world["admin"].token)
        await alice.get("/")
        r = await alice.post_form("/", "/posts", {"body": "Publié depuis l'accueil", "next": "/"})
        assert r.status_code == 303
        page = (await alice.get("/")).text
        assert "Your post is published." in page and "Publié depuis l" in page and "\x00" not in page
        assert "Welcome, Alice Admin" in page and 'name="idempotency_key"' in page and "home-sidebar" in page
        assert "Your post is published." not in (await alice.get("/")).text  # shown once

    async def test_older_pages_and_the_next_link(self, world, browser_factory, make_post):
        for n in range(21):
            await make_post(world["bob"], f"Message {n}")
        bob = browser_factory("en", world["bob"].token)
        first = (await bob.get("/")).text
        next_url = first.split('class="button primary load-more" href="')[1].split('"')[0]
        assert next_url.startswith("/?cursor=") and "Message 20" in first and "Message 0" not in first
        older = (await bob.get(next_url.replace("&amp;", "&"))).text
        assert "Message 0" in older and "Message 20" not in older
        assert '<a class="button" href="/">' in older  # back to the newest posts

    async def test_a_name_with_markup_is_escaped(self, member_browser):
        _, b = await member_browser('Zoé <b>"Z"</b> & Co')
        page = (await b.get("/")).text
        assert "Welcome, Zoé &lt;b&gt;&#34;Z&#34;&lt;/b&gt; &amp; Co" in page and "<b>" not in page
