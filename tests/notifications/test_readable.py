"""Notifications people can read (issue 19, point 5): what each is about, grouped entries, plural labels,
times in the member's language and zone, and no subject for what the member can no longer see."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.notifications import times
from app.notifications.subjects import plain_words, post_subject
from app.posts.cards import TimeLabels
from tests.live.conftest import until
from tests.notifications.test_notifications import notes, wait_notes

NB = "\u00a0"  # French quotes hold their words with non-breaking spaces


async def react(client, member, post_id):
    r = await client.put(f"/api/v1/posts/{post_id}/reaction", json={"kind": "like"}, headers=member.headers)
    assert r.status_code == 200, r.text


async def wait_entry(client, member, count):
    """The notifier works in the background: wait until the first entry stands for `count` notifications."""
    async def ready():
        items = await notes(client, member)
        return bool(items) and items[0]["group_count"] == count

    await until(ready, timeout=10)
    return await notes(client, member)


class TestGrouped:
    async def test_twenty_reactions_are_one_entry_and_reading_it_reads_all(self, client, register, member_browser,
                                                                           post):
        author, fr = await member_browser("Alice Martin", lang="fr")
        p = await post(author, "Ce que nous avons appris cette année.", title="Nos posts LinkedIn")
        reactors = [await register(f"Membre {i:02d}") for i in range(19)] + [await register("Laurent Roux")]
        for member in reactors:
            await react(client, member, p["id"])
        [entry] = await wait_entry(client, author, 20)
        assert entry["kind"] == "reaction" and entry["post_id"] == p["id"] and entry["read"] is False
        assert entry["actor"]["display_name"] == "Laurent Roux"  # the latest
        assert entry["actor_count"] == 20 and entry["subject"] == "Nos posts LinkedIn"
        assert [a["display_name"] for a in entry["actors"]] == ["Laurent Roux", "Membre 18", "Membre 17"]
        assert len(entry["grouped_ids"]) == 20 and entry["id"] == max(entry["grouped_ids"])
        count = await client.get("/api/v1/notifications/unread_count", headers=author.headers)
        assert count.json() == {"unread": 1}  # the bell counts entries

        page = (await fr.get("/notifications")).text
        assert f"Laurent Roux et 19 autres ont réagi à «{NB}Nos posts LinkedIn{NB}»" in page
        assert "1 notification non lue" in page
        latest = (await fr.get("/notifications/latest")).text  # the bell's dropdown says the same
        assert f"Laurent Roux et 19 autres ont réagi à «{NB}Nos posts LinkedIn{NB}»" in latest
        assert f'href="/notifications/{entry["id"]}/open"' in latest

        r = await client.post("/api/v1/notifications/read", json={"ids": [entry["id"]]}, headers=author.headers)
        assert r.status_code == 204
        assert await notes(client, author, unread="true") == []
        [read_entry] = await notes(client, author)  # read the same day: still one entry
        assert read_entry["read"] is True and read_entry["group_count"] == 20
        count = await client.get("/api/v1/notifications/unread_count", headers=author.headers)
        assert count.json() == {"unread": 0}

    async def test_opening_an_entry_reads_it_and_a_newer_reaction_stays_unread(self, client, register,
                                                                                member_browser, post):
        author, browser = await member_browser("Alice Martin")
        p = await post(author, "Our LinkedIn posts, what worked")
        first, second, late = await register("Bruno Petit"), await register("Chloé Durand"), await register("Léa")
        await react(client, first, p["id"])
        await react(client, second, p["id"])
        [entry] = await wait_entry(client, author, 2)
        html = (await browser.get("/notifications")).text
        assert "Chloé Durand and 1 other reacted to “Our LinkedIn posts, what worked”" in html
        opened = await browser.get(f"/notifications/{entry['id']}/open", follow_redirects=False)
        assert opened.status_code == 303 and opened.headers["location"] == f"/posts/{p['id']}"
        assert await notes(client, author, unread="true") == []
        await react(client, late, p["id"])
        [fresh] = await wait_notes(client, author, 1, unread="true")
        assert fresh["actor"]["display_name"] == "Léa" and fresh["group_count"] == 1  # unread apart from the read

    async def test_different_posts_and_kinds_stay_apart(self, client, register, post):
        a, b = await register("Alice Martin"), await register("Bruno Petit")
        one, two = await post(a, "First post"), await post(a, "Second post")
        await react(client, b, one["id"])
        await react(client, b, two["id"])
        await client.post(f"/api/v1/posts/{one['id']}/comments", json={"body": "nice"}, headers=b.headers)
        items = await wait_notes(client, a, 3)
        assert sorted((n["kind"], n["subject"]) for n in items) == [
            ("reaction", "First post"), ("reaction", "Second post"), ("reply", "First post")]
        assert (await client.get("/api/v1/notifications/unread_count", headers=a.headers)).json() == {"unread": 3}


class TestPlurals:
    @pytest.mark.parametrize(("lang", "one", "many", "other_one"), [
        ("fr", "1 notification non lue", "2 notifications non lues", "Chloé Durand et 1 autre ont réagi à"),
        ("en", "1 unread notification", "2 unread notifications", "Chloé Durand and 1 other reacted to"),
    ])
    async def test_unread_count_and_others(self, client, register, member_browser, post, lang, one, many, other_one):
        author, browser = await member_browser("Alice Martin", lang=lang)
        b, c = await register("Bruno Petit"), await register("Chloé Durand")
        p1 = await post(author, "Premier")
        await react(client, b, p1["id"])
        await wait_notes(client, author, 1)
        page = (await browser.get("/notifications")).text
        assert one in page and many not in page
        p2 = await post(author, "Second")
        await react(client, b, p2["id"])
        await react(client, c, p2["id"])
        await wait_entry(client, author, 2)
        page = (await browser.get("/notifications")).text
        assert many in page and other_one in page
        assert (" et 1 autres " not in page) and (" and 1 others " not in page)

    async def test_the_bell_carries_both_forms(self, member_browser):
        _, fr = await member_browser("Alice Martin", lang="fr")
        html = (await fr.get("/")).text
        assert 'data-unread-one="{n} notification non lue"' in html
        assert 'data-unread-other="{n} notifications non lues"' in html


class TestTimes:
    # 04:30 UTC is 05:30 in Paris (today) and 23:30 the day before in Montreal.
    NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    MOMENT = datetime(2026, 12, 7, 4, 30, tzinfo=UTC)

    def test_same_moment_is_today_in_paris_and_yesterday_in_montreal(self):
        labels = TimeLabels()
        paris = times.when(labels, self.MOMENT, self.NOW, ZoneInfo("Europe/Paris"), "fr")
        montreal = times.when(labels, self.MOMENT, self.NOW, ZoneInfo("America/Montreal"), "fr")
        assert paris.label == "il y a 6 heures" and paris.yesterday_at == ""
        assert montreal.label == "" and montreal.yesterday_at == "23:30"
        english = times.when(labels, self.MOMENT, self.NOW, ZoneInfo("America/Montreal"), "en")
        assert english.yesterday_at == "11:30\u202fPM"
        assert "05:30" in paris.full and "23:30" in montreal.full

    def test_minutes_ago_just_now_and_older_dates(self):
        labels, paris = TimeLabels(), ZoneInfo("Europe/Paris")
        five = datetime(2026, 12, 7, 9, 55, tzinfo=UTC)
        assert times.when(labels, five, self.NOW, paris, "fr").label == "il y a 5 minutes"
        assert times.when(labels, five, self.NOW, paris, "en").label == "5 minutes ago"
        assert times.when(labels, self.NOW, self.NOW, paris, "fr").label == ""  # "à l'instant" in the template
        # 00:20 Paris is 23:20 UTC the day before: 40 minutes ago stays relative across midnight
        midnight = times.when(labels, datetime(2026, 12, 6, 23, 20, tzinfo=UTC),
                              datetime(2026, 12, 7, 0, 0, tzinfo=UTC), ZoneInfo("UTC"), "fr")
        assert midnight.label == "il y a 40 minutes"
        older = times.when(labels, datetime(2026, 12, 1, 12, 0, tzinfo=UTC), self.NOW, paris, "fr")
        assert older.label == "1 déc." and older.yesterday_at == ""
        last_year = times.when(labels, datetime(2025, 11, 3, 12, 0, tzinfo=UTC), self.NOW, paris, "en")
        assert last_year.label == "Nov 3, 2025"

    async def test_the_page_shows_the_members_zone(self, app, client, register, member_browser, post, session):
        from sqlalchemy import update

        from app.notifications.models import Notification

        author, browser = await member_browser("Alice Martin", lang="fr")
        b = await register("Bruno Petit")
        p = await post(author, "Bonjour")
        await react(client, b, p["id"])
        [n] = await wait_notes(client, author, 1)
        yesterday_evening = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
        # Moved to 12:00 UTC the day before: "hier à 13:00" in Paris (winter), "hier à 07:00" in Montreal.
        from datetime import timedelta
        async with app.state.runtime.sessionmaker() as s:
            await s.execute(update(Notification).where(Notification.id == n["id"])
                            .values(created_at=yesterday_evening - timedelta(days=1)))
            await s.commit()
        page = (await browser.get("/notifications")).text
        assert "hier à 13:00" in page
        r = await client.patch("/api/v1/users/me", json={"time_zone": "America/Montreal"}, headers=author.headers)
        assert r.status_code == 200 and r.json()["time_zone"] == "America/Montreal"
        page = (await browser.get("/notifications")).text
        assert "hier à 07:00" in page and "hier à 13:00" not in page


class TestTimeZoneSetting:
    @pytest.mark.parametrize("bad", ["Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe/Paris\x00",
                                     "x" * 65])
    async def test_unknown_zone_is_422(self, client, register, bad):
        a = await register()
        r = await client.patch("/api/v1/users/me", json={"time_zone": bad}, headers=a.headers)
        assert r.status_code == 422

    async def test_default_and_reset(self, client, register):
        a = await register()
        assert (await client.get("/api/v1/users/me", headers=a.headers)).json()["time_zone"] is None
        r = await client.patch("/api/v1/users/me", json={"time_zone": "Asia/Tokyo"}, headers=a.headers)
        assert r.json()["time_zone"] == "Asia/Tokyo"
        r = await client.patch("/api/v1/users/me", json={"time_zone": None}, headers=a.headers)
        assert r.json()["time_zone"] is None

    async def test_profile_form_saves_it_and_keeps_a_bad_value(self, client, member_browser):
        member, browser = await member_browser("Alice Martin", lang="fr")
        form = (await browser.get("/people/me/edit")).text
        assert 'name="time_zone"' in form and "Fuseau horaire" in form
        fields = {"display_name": "Alice Martin", "handle": member.handle, "time_zone": "Mars/Olympus",
                  "bio": "Mon texte"}
        r = await browser.post_form("/people/me/edit", "/people/me/edit", fields)
        assert r.status_code == 422 and 'value="Mars/Olympus"' in r.text and "Mon texte" in r.text
        r = await browser.post_form("/people/me/edit", "/people/me/edit", {**fields, "time_zone": "America/Montreal"})
        assert r.status_code == 303
        assert (await client.get("/api/v1/users/me", headers=member.headers)).json()["time_zone"] == "America/Montreal"

    def test_setting_is_validated(self):
        from pydantic import ValidationError

        from app.config import Settings

        assert Settings(DEFAULT_TIME_ZONE="America/Montreal").DEFAULT_TIME_ZONE == "America/Montreal"
        assert Settings().DEFAULT_TIME_ZONE == "Europe/Paris"
        with pytest.raises(ValidationError):
            Settings(DEFAULT_TIME_ZONE="Nowhere/Land")


class TestSubject:
    def test_plain_words_from_markdown_never_markup(self):
        html = ("<p><strong>LinkedIn</strong> &amp; <a href=\"https://x\">le réseau</a> &lt;b&gt;</p>"
                "<ul><li>un</li><li>deux</li></ul>")
        assert plain_words(html) == "LinkedIn & le réseau <b> un deux"  # text as typed; the page escapes it
        assert plain_words("<h2>Nos <em>posts</em></h2>\n<p>La suite</p>") == "Nos posts"  # a heading is a title
        long = "<p>" + " ".join(["mot"] * 40) + "</p>"
        cut = plain_words(long)
        assert cut.endswith("…") and len(cut) <= 61 and "<" not in cut
        assert post_subject("  Nos posts   LinkedIn ", "<p>ignored</p>") == "Nos posts LinkedIn"

    async def test_api_and_page_show_the_first_words_of_a_markdown_post(self, client, register, member_browser,
                                                                          post):
        author, browser = await member_browser("Alice Martin")
        b = await register("Bruno Petit")
        p = await post(author, "**Bilan** du _trimestre_ : <script>alert(1)</script> [voir](https://example.com)")
        await react(client, b, p["id"])
        [n] = await wait_notes(client, author, 1)
        assert n["subject"].startswith("Bilan du trimestre :") and "*" not in n["subject"]
        assert "voir" in n["subject"] and "https" not in n["subject"]  # a link's words, not its Markdown
        page = (await browser.get("/notifications")).text
        assert "Bruno Petit reacted to “Bilan du trimestre" in page
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page  # text as typed, escaped


class TestNoLeak:
    async def test_a_post_the_member_can_no_longer_see_shows_no_title(self, client, register, member_browser, post,
                                                                        group):
        author = await register("Alice Martin")
        member, browser = await member_browser("Bruno Petit")
        g = await group(author, "Comité", members=(member,))
        p = await post(author, f"Le plan confidentiel, @{member.handle}", group_id=g["id"], title="Projet Phénix")
        [n] = await wait_notes(client, member, 1)
        assert n["subject"] == "Projet Phénix"
        assert "Projet Phénix" in (await browser.get("/notifications")).text
        left = await client.delete(f"/api/v1/groups/{g['id']}/members/{member.id}", headers=member.headers)
        assert left.status_code == 204
        assert await notes(client, member) == []
        for path in ("/notifications", "/notifications/latest", "/notifications?unread=true"):
            assert "Phénix" not in (await browser.get(path)).text
        assert (await client.get("/api/v1/notifications/unread_count", headers=member.headers)).json() == {"unread": 0}
        assert (await browser.get(f"/notifications/{n['id']}/open", follow_redirects=False)).headers[
            "location"] == f"/posts/{p['id']}"  # leads to the post page, which answers 404

    async def test_subjects_come_only_from_visible_posts(self, app, client, register, post, group, session):
        from app.notifications.models import Notification
        from app.notifications.service import entry_views
        from app.users.models import User
        from app.users.service import build_actor

        author = await register("Alice Martin")
        outsider = await register("Chloé Durand")
        g = await group(author, "Secret", visibility="secret")
        p = await post(author, "Top secret", group_id=g["id"], title="Fusion Beta")
        row = Notification(id=1, user_id=outsider.id, kind="reaction", actor_id=author.id, activity_id=1,
                           post_id=p["id"], group_id=g["id"], created_at=datetime.now(UTC))
        actor = await build_actor(app.state.runtime, session, await session.get(User, outsider.id))
        [view] = await entry_views(session, actor, [[row]])
        assert view.subject is None  # even handed a notification about it, the outsider gets no title
        request = Notification(id=2, user_id=outsider.id, kind="group_request", actor_id=author.id, activity_id=2,
                               group_id=g["id"], created_at=datetime.now(UTC))
        [view] = await entry_views(session, actor, [[request]])
        assert view.subject is None  # nor a secret group's name


class TestPaging:
    async def test_entries_across_pages_cover_every_notification_once(self, client, register, post):
        a = await register("Alice Martin")
        reactors = [await register(f"Membre {i}") for i in range(3)]
        posts = [await post(a, f"Post {i}") for i in range(4)]
        for i, p in enumerate(posts):  # 3, 1, 3, 1 reactions: interleaved in time with the others
            for member in reactors[: 3 if i % 2 == 0 else 1]:
                await react(client, member, p["id"])
        await wait_notes(client, a, 4)

        async def everything_there():
            pages = await self._pages(client, a, 100)
            return sum(len(e["grouped_ids"]) for e in pages) == 8

        await until(everything_there)
        seen = [i for e in await self._pages(client, a, 1) for i in e["grouped_ids"]]
        assert len(seen) == 8 and len(set(seen)) == 8
        entries = await self._pages(client, a, 100)
        assert [e["group_count"] for e in entries] == [1, 3, 1, 3]

    @staticmethod
    async def _pages(client, member, limit):
        out, cursor = [], None
        while True:
            params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
            body = (await client.get("/api/v1/notifications", params=params, headers=member.headers)).json()
            out += body["items"]
            cursor = body["next_cursor"]
            if cursor is None:
                return out
