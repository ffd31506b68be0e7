"""Admin pages: invite a member / create an account, import members from a CSV (dry run, then applied)."""

import re

from sqlalchemy import func, select

from app.users.models import User
from tests.pages.conftest import csrf_of

CSV = (
    "\ufeffemail;display_name;department;skills\r\n"
    "nina@example.com;Nina Nouvelle;Marketing;SEO|Analytics\r\n"
    "bob.member@example.com;Bob Member;Sales;\r\n"
    "broken;No Address;;\r\n"
)


async def count_users(session) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)))


async def upload(browser, content: bytes, name: str = "members.csv"):
    token = csrf_of((await browser.get("/admin/users/import")).text)
    return await browser.client.post("/admin/users/import", data={"csrf_token": token},
                                     files={"file": (name, content, "text/csv")})


def hidden_csv(html: str) -> str:
    import html as html_module

    match = re.search(r'name="csv" value="([^"]*)"', html)
    assert match, "the report has no apply form"
    return html_module.unescape(match.group(1))


class TestCreateAccount:
    async def test_the_accounts_page_links_to_both(self, member_browser):
        _, admin = await member_browser("Alice Admin")
        page = (await admin.get("/admin/users")).text
        assert 'href="/admin/users/new"' in page and 'href="/admin/users/import"' in page

    async def test_the_import_limit_is_written_in_the_pages_language(self, member_browser, browser_factory):
        admin, admin_fr = await member_browser("Alice Admin", lang="fr")
        page = (await admin_fr.get("/admin/users/import")).text
        assert "10\u202f000 lignes au plus" in page and "10,000" not in page
        assert "at most 10,000 lines" in (await browser_factory("en", admin.token).get("/admin/users/import")).text

    async def test_admin_invites_a_member(self, member_browser, mailbox, client):
        _, admin = await member_browser("Alice Admin")
        r = await admin.post_form("/admin/users/new", "/admin/users/new",
                                  {"email": "zoe@example.com", "display_name": "Zoé Zola", "role": "moderator"})
        assert r.status_code == 303 and r.headers["location"] == "/admin/users"
        page = (await admin.get("/admin/users")).text
        assert "an invitation to choose a password was sent to zoe@example.com" in page
        assert "zoe.zola" in page
        [message] = await mailbox.wait(1)
        assert message["To"] == "zoe@example.com"
        path = mailbox.link(message).removeprefix("http://127.0.0.1:8000")
        welcome = await admin.client.get(path)
        assert "Welcome to Ruche" in welcome.text and "Choose my password" in welcome.text

    async def test_taken_email_and_bad_values_keep_what_was_typed(self, member_browser):
        _, admin = await member_browser("Alice Admin", email="alice@example.com")
        r = await admin.post_form("/admin/users/new", "/admin/users/new",
                                  {"email": "alice@example.com", "display_name": "Alice Again", "role": "member"})
        assert r.status_code == 409 and "This email is already registered." in r.text
        assert 'value="Alice Again"' in r.text
        r = await admin.post_form("/admin/users/new", "/admin/users/new",
                                  {"email": "not-an-address", "display_name": "Zoé", "role": "member"})
        assert r.status_code == 422 and 'value="not-an-address"' in r.text

    async def test_members_get_403(self, member_browser):
        await member_browser("Alice Admin")
        _, bob = await member_browser("Bob Member")
        assert (await bob.get("/admin/users/new")).status_code == 403
        token = csrf_of((await bob.get("/groups")).text)
        r = await bob.client.post("/admin/users/new", data={"csrf_token": token, "email": "z@example.com",
                                                             "display_name": "Z", "role": "admin"})
        assert r.status_code == 403

    async def test_in_french(self, member_browser):
        _, admin = await member_browser("Alice Admin", lang="fr")
        assert "Inviter un membre" in (await admin.get("/admin/users/new")).text


class TestImport:
    async def test_dry_run_then_apply(self, member_browser, session, mailbox, client):
        _, admin = await member_browser("Alice Admin")
        bob, _ = await member_browser("Bob Member", email="bob.member@example.com")
        before = await count_users(session)
        report = await upload(admin, CSV.encode())
        assert report.status_code == 200, report.text
        assert "Dry run of the import" in report.text
        assert "nina@example.com" in report.text and "To create and invite" in report.text
        assert "To update" in report.text
        assert "<th scope=\"row\">4</th><td>email: not a valid e-mail address</td>" in report.text
        assert await count_users(session) == before and mailbox.messages == []
        token = csrf_of(report.text)
        applied = await admin.client.post("/admin/users/import", data={"csrf_token": token, "apply": "yes"},
                                          files={"csv": (None, hidden_csv(report.text))})
        assert applied.status_code == 200 and "Import applied" in applied.text
        assert await count_users(session) == before + 1
        me = (await client.get("/api/v1/users/me", headers=bob.headers)).json()
        assert me["department"] == "Sales"
        [message] = await mailbox.wait(1)
        assert message["To"] == "nina@example.com"

    async def test_unreadable_files_show_a_message(self, member_browser):
        _, admin = await member_browser("Alice Admin")
        r = await upload(admin, "email,display_name\nzoé@example.com,Zoé\n".encode("latin-1"))
        assert r.status_code == 422 and "UTF-8" in r.text and "(line 2)" in r.text
        r = await upload(admin, b"")
        assert r.status_code == 422 and "Choose a CSV file" in r.text

    async def test_too_many_lines_is_413_with_a_message(self, member_browser, settings_override):
        _, admin = await member_browser("Alice Admin")
        settings_override(IMPORT_MAX_LINES=2)
        body = "email,display_name\n" + "".join(f"u{i}@example.com,U{i}\n" for i in range(3))
        r = await upload(admin, body.encode())
        assert r.status_code == 413 and "At most 2 lines per import" in r.text

    async def test_members_get_403(self, member_browser):
        await member_browser("Alice Admin")
        _, bob = await member_browser("Bob Member")
        assert (await bob.get("/admin/users/import")).status_code == 403
        token = csrf_of((await bob.get("/groups")).text)
        r = await bob.client.post("/admin/users/import", data={"csrf_token": token},
                                  files={"file": ("m.csv", CSV.encode(), "text/csv")})
        assert r.status_code == 403

    async def test_in_french(self, member_browser):
        _, admin = await member_browser("Alice Admin", lang="fr")
        r = await upload(admin, CSV.encode())
        assert "Essai de l’import" in r.text or "Essai de l'import" in r.text
        assert "e-mail" in r.text
