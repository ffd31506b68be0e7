"""`ruche demo`: the seeded community, seen through the API as its members would see it."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.demo.content import GROUPS
from app.demo.people import ADMIN_EMAIL, DEMO_PASSWORD, EMAIL_DOMAIN
from app.demo.seed import DatabaseNotEmpty, seed
from app.demo.threads import POSTS
from app.groups.models import Group
from app.users.models import User

EXPECTED_VISIBILITY = {
    "Réseau des communicants / Communicators' network": "public",
    "Veille & benchmarks": "public",
    "Bonnes pratiques": "public",
    "Lancements": "public",
    "Entraide": "public",
    "Comité éditorial": "private",
    "Projet Horizon": "secret",
    "Communauté Data & IA": "private",
    "Cercle des managers / Managers' circle": "private",
}


async def sign_in(client, email: str) -> dict[str, str]:
    r = await client.post("/api/v1/auth/token", data={"username": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def all_pages(client, path: str, headers: dict[str, str]) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        r = await client.get(path, params=params, headers=headers)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
async def demo(app, base_settings) -> str:
    return await seed(base_settings, 60)


async def test_seeds_sixty_members_roles_profiles_and_groups(client, session, demo):
    assert "60 members" in demo and DEMO_PASSWORD in demo
    roles = dict((await session.execute(select(User.role, func.count()).group_by(User.role))).all())
    assert roles == {"admin": 1, "communicator": 1, "moderator": 1, "member": 57}
    admin = await sign_in(client, ADMIN_EMAIL)
    me = (await client.get("/api/v1/users/me", headers=admin)).json()
    assert me["role"] == "admin" and me["language"] == "fr"
    people = await all_pages(client, "/api/v1/users", admin)
    assert len(people) == 60
    by_handle = {p["handle"]: p for p in people}
    assert {p["department"] for p in people} >= {"Communication", "RH", "HR", "IT", "Marketing", "Finance",
                                                 "Risques", "Juridique", "Innovation"}
    assert all(p["title"] and p["bio"] and p["skills"] and p["location"] for p in people)
    helene = by_handle["helene.rousseau"]
    assert helene["display_name"] == "Hélène Rousseau" and "veille" in helene["skills"]
    experts = (await client.get("/api/v1/users", params={"skill": "Power BI"}, headers=admin)).json()["items"]
    assert len(experts) >= 4
    assert sum(p["following_count"] for p in people) >= 3 * 60

    groups = {g["name"]: g for g in await all_pages(client, "/api/v1/groups", admin)}
    # The admin is not in the secret group: API.md makes it exist for its members only.
    assert {name: g["visibility"] for name, g in groups.items()} == {
        name: visibility for name, visibility in EXPECTED_VISIBILITY.items() if visibility != "secret"}
    secret = (await session.execute(select(Group.name, Group.visibility).where(Group.visibility == "secret"))).all()
    assert [tuple(row) for row in secret] == [(name, v) for name, v in EXPECTED_VISIBILITY.items() if v == "secret"]
    claire = await sign_in(client, f"claire.dubois@{EMAIL_DOMAIN}")
    committee = groups["Comité éditorial"]
    pending = (await client.get(f"/api/v1/groups/{committee['id']}/members", params={"status": "pending"},
                                headers=claire)).json()["items"]
    assert sorted(m["user"]["handle"] for m in pending) == ["margaux.petit", "olivia.king"]
    members = await all_pages(client, f"/api/v1/groups/{committee['id']}/members", claire)
    animators = sorted(m["user"]["handle"] for m in members if m["status"] == "animator")
    assert animators == ["claire.dubois", "elodie.fontaine"]
    assert groups["Entraide"]["member_count"] >= 20


async def test_threads_are_bilingual_tagged_and_spread_over_weeks(client, session, demo):
    from app.posts.models import Comment, Post

    def count(comments) -> int:
        return sum(1 + count(c.replies) for c in comments)

    assert await session.scalar(select(func.count()).select_from(Post)) == len(POSTS)
    assert await session.scalar(select(func.count()).select_from(Comment)) == sum(count(p.comments) for p in POSTS)
    reader = await sign_in(client, f"sophie.clarke@{EMAIL_DOMAIN}")
    feed = await all_pages(client, "/api/v1/feed", reader)
    assert len(feed) >= 20
    times = [datetime.fromisoformat(p["created_at"]) for p in feed]
    assert times == sorted(times, reverse=True)
    now = datetime.now(UTC)
    assert max(now - t for t in times) > timedelta(days=20)
    assert min(now - t for t in times) < timedelta(days=2)
    assert {"Bienvenue sur Ruche ! / Welcome to Ruche!", "Phishing campaign in progress / Campagne d'hameçonnage en cours"} <= {
        p["title"] for p in feed
    }
    veille = await all_pages(client, "/api/v1/topics/veille/posts", reader)
    assert len(veille) >= 4
    welcome = next(p for p in feed if p["title"].startswith("Bienvenue"))
    assert welcome["kind"] == "announcement" and welcome["author"]["handle"] == "claire.dubois"
    assert [m["handle"] for m in welcome["mentions"]] == ["sarah.mitchell"]
    assert welcome["comment_count"] == 5 and welcome["reaction_count"] >= 20
    comments = (await client.get(f"/api/v1/posts/{welcome['id']}/comments", headers=reader)).json()["items"]
    assert any(c["parent_id"] for c in comments)
    assert all(datetime.fromisoformat(c["created_at"]) > datetime.fromisoformat(welcome["created_at"])
               for c in comments)


async def test_secret_group_is_invisible_to_non_members(client, demo):
    member = await sign_in(client, f"hugo.bonnet@{EMAIL_DOMAIN}")
    outsider = await sign_in(client, f"olivia.king@{EMAIL_DOMAIN}")
    mine = {g["name"]: g for g in await all_pages(client, "/api/v1/groups?mine=true", member)}
    horizon = mine["Projet Horizon"]
    assert horizon["visibility"] == "secret"
    horizon_posts = await all_pages(client, f"/api/v1/groups/{horizon['id']}/posts", member)
    assert len(horizon_posts) == sum(1 for p in POSTS if p.group == "horizon")

    listed = {g["name"] for g in await all_pages(client, "/api/v1/groups", outsider)}
    assert "Projet Horizon" not in listed and "Comité éditorial" in listed
    assert (await client.get(f"/api/v1/groups/{horizon['id']}", headers=outsider)).status_code == 404
    assert (await client.get(f"/api/v1/groups/{horizon['id']}/posts", headers=outsider)).status_code == 404
    assert (await client.post(f"/api/v1/groups/{horizon['id']}/join", headers=outsider)).status_code == 404
    assert (await client.get(f"/api/v1/posts/{horizon_posts[0]['id']}", headers=outsider)).status_code == 404
    feed_ids = {p["id"] for p in await all_pages(client, "/api/v1/feed", outsider)}
    assert not feed_ids & {p["id"] for p in horizon_posts}
    hugo = next(u for u in await all_pages(client, "/api/v1/users?q=hugo", outsider) if u["handle"] == "hugo.bonnet")
    member_view = (await client.get(f"/api/v1/users/{hugo['id']}", headers=member)).json()
    assert hugo["post_count"] < member_view["post_count"]  # counts leave out what the viewer may not see


async def test_refuses_a_database_that_has_members(client, session, register, base_settings):
    await register("Déjà Là", "deja@example.com")
    with pytest.raises(DatabaseNotEmpty) as refused:
        await seed(base_settings, 60)
    assert "already has members" in str(refused.value.code)
    assert await session.scalar(select(func.count()).select_from(User)) == 1


async def test_a_small_community_still_gets_every_thread(client, session, base_settings):
    from app.posts.models import Post

    summary = await seed(base_settings, 5)
    assert "5 members" in summary
    assert await session.scalar(select(func.count()).select_from(User)) == 5
    assert await session.scalar(select(func.count()).select_from(Post)) == len(POSTS)
    assert len(GROUPS) == len(EXPECTED_VISIBILITY)


async def test_pages_show_the_demo_in_the_members_language(client, demo):
    """A French-speaking member sees French pages with the demo threads; the secret group's page is a 404."""
    token = (await sign_in(client, f"camille.durand@{EMAIL_DOMAIN}"))["Authorization"].removeprefix("Bearer ")
    client.cookies.set("ruche_session", token)
    try:
        home = await client.get("/")
        assert home.status_code == 200 and 'lang="fr"' in home.text
        assert "Réseau des communicants" in home.text
        groups = await client.get("/groups")
        assert groups.status_code == 200 and "Veille &amp; benchmarks" in groups.text
        assert "Projet Horizon" not in groups.text
        veille = await client.get("/groups/veille-benchmarks")
        assert veille.status_code == 200 and "Benchmark : les intranets sociaux" in veille.text
        assert (await client.get("/groups/projet-horizon")).status_code == 404
        topic = await client.get("/topics/veille")
        assert topic.status_code == 200 and "Veille IA générative" in topic.text
    finally:
        client.cookies.clear()


async def test_pending_requests_notify_every_animator_of_their_group(app, client, demo):
    """Issue 19: the demo's animators find the requests waiting for them, on the group page and in the bell."""
    from app.notifications.notifier import CURSOR_NAME
    from app.outbox.models import OutboxCursor
    from app.outbox.read import last_activity_id
    from tests.live.conftest import until
    from tests.notifications.test_notifications import notes

    async def notified() -> bool:  # the whole demo's outbox: a few thousand activities
        async with app.state.runtime.sessionmaker() as s:
            newest = await last_activity_id(s)
            cursor = await s.scalar(select(OutboxCursor.last_id).where(OutboxCursor.name == CURSOR_NAME))
        return cursor is not None and cursor >= newest

    app.state.runtime.components["notifier"].wake()
    await until(notified, timeout=120)
    admin = await sign_in(client, ADMIN_EMAIL)
    groups = {g["name"]: g for g in await all_pages(client, "/api/v1/groups", admin)}
    handles = {p["id"]: p["handle"] for p in await all_pages(client, "/api/v1/users", admin)}
    with_requests = [spec for spec in GROUPS if spec.pending]
    assert len(with_requests) >= 3
    for spec in with_requests:
        group = groups[spec.name]
        for animator in spec.animators:
            headers = await sign_in(client, f"{animator}@{EMAIL_DOMAIN}")
            pending = (await client.get(f"/api/v1/groups/{group['id']}/members", headers=headers,
                                        params={"status": "pending", "limit": 100})).json()["items"]
            assert sorted(m["user"]["handle"] for m in pending) == sorted(spec.pending)
            assert all(datetime.fromisoformat(m["requested_at"]) < datetime.now(UTC) - timedelta(hours=12)
                       for m in pending), "requests wait since a day or two"
            member = type("Signed", (), {"headers": headers})
            told = [n for n in await notes(client, member, limit=100) if n["kind"] == "group_request"
                    and n["group_id"] == group["id"]]
            # One entry per group in the list ("Margaux et 2 autres demandent à rejoindre..."), one stored
            # notification per request behind it.
            assert sum(n["group_count"] for n in told) == len(spec.pending), (spec.name, animator)
            assert {handles[a["id"]] for n in told for a in n["actors"]} <= set(spec.pending)
            assert sum(n["actor_count"] for n in told) >= len(set(spec.pending)) >= 1
        page = await client.get(f"/groups/{group['slug']}", headers={"Accept": "text/html", **headers})
        assert 'aria-labelledby="pending-title"' in page.text
