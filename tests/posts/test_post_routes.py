"""Posts: publish, read, edit, delete (API.md "Posts, comments, reactions")."""

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from app.db import utcnow
from app.posts.models import Post, PostMention, PostTopic

POSTS = "/api/v1/posts"
POST_FIELDS = {
    "id", "author", "group", "kind", "title", "body", "body_html", "mentions", "topics", "created_at", "edited_at",
    "comment_count", "reaction_count", "my_reaction",
}


async def set_role(client: httpx.AsyncClient, admin: Any, member: Any, role: str) -> None:
    r = await client.patch(f"/api/v1/admin/users/{member.id}", json={"role": role}, headers=admin.headers)
    assert r.status_code == 200, r.text


async def post_count(session: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(Post)) or 0)


class TestCreatePost:
    async def test_company_wide_discussion_by_default(self, client: httpx.AsyncClient, mia: Any) -> None:
        r = await client.post(POSTS, json={"body": "Bonjour **tout le monde**"}, headers=mia.headers)
        assert r.status_code == 201, r.text
        post = r.json()
        assert set(post) == POST_FIELDS
        assert post["group"] is None and post["kind"] == "discussion" and post["title"] is None
        assert post["author"]["id"] == mia.id and post["author"]["handle"] == mia.handle
        assert post["body"] == "Bonjour **tout le monde**"
        assert post["body_html"] == "<p>Bonjour <strong>tout le monde</strong></p>\n"
        assert post["comment_count"] == 0 and post["reaction_count"] == 0 and post["my_reaction"] is None
        assert post["edited_at"] is None
        assert post["created_at"].endswith(("Z", "+00:00"))

    async def test_group_post_by_member_has_group_summary(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                          make_group: Any) -> None:
        group = await make_group(anna, "Qualité", "private", members=(mia,))
        r = await client.post(POSTS, json={"body": "x", "group_id": group["id"], "kind": "question", "title": " Q? "},
                              headers=mia.headers)
        assert r.status_code == 201, r.text
        assert r.json()["group"] == {"id": group["id"], "slug": group["slug"], "name": "Qualité",
                                     "visibility": "private"}
        assert r.json()["kind"] == "question" and r.json()["title"] == "Q?"

    async def test_group_post_shows_the_group_as_just_renamed(self, client: httpx.AsyncClient, anna: Any, mia: Any,
                                                              make_group: Any) -> None:
        """The group comes from the per-process group cache: a rename committed before the request shows."""
        group = await make_group(anna, "Avant", "public", members=(mia,))
        assert (await client.post(POSTS, json={"body": "x", "group_id": group["id"]}, headers=mia.headers)
                ).json()["group"]["name"] == "Avant"
        r = await client.patch(f"/api/v1/groups/{group['id']}", json={"name": "Après"}, headers=anna.headers)
        assert r.status_code == 200, r.text
        r = await client.post(POSTS, json={"body": "y", "group_id": group["id"]}, headers=mia.headers)
        assert r.status_code == 201 and r.json()["group"]["name"] == "Après"

    @pytest.mark.parametrize("visibility", ["public", "private"])
    async def test_non_member_of_visible_group_gets_403(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                        make_group: Any, visibility: str) -> None:
        group = await make_group(anna, f"G {visibility}", visibility)
        r = await client.post(POSTS, json={"body": "x", "group_id": group["id"]}, headers=olga.headers)
        assert r.status_code == 403

    async def test_pending_member_of_private_group_gets_403(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                            make_group: Any) -> None:
        group = await make_group(anna, "Closed", "private")
        assert (await client.post(f"/api/v1/groups/{group['id']}/join", headers=olga.headers)).json() == {
            "status": "pending"}
        r = await client.post(POSTS, json={"body": "x", "group_id": group["id"]}, headers=olga.headers)
        assert r.status_code == 403

    async def test_non_member_of_secret_group_gets_404(self, client: httpx.AsyncClient, anna: Any, olga: Any,
                                                       make_group: Any) -> None:
        group = await make_group(anna, "Hidden", "secret")
        r = await client.post(POSTS, json={"body": "x", "group_id": group["id"]}, headers=olga.headers)
        missing = await client.post(POSTS, json={"body": "x", "group_id": 999999}, headers=olga.headers)
        assert r.status_code == 404 and missing.status_code == 404
        assert r.json() == missing.json()

    async def test_admin_outside_a_secret_group_gets_404(
        self, client: httpx.AsyncClient, admin: Any, anna: Any, make_group: Any
    ) -> None:
        group = await make_group(anna, "Hidden", "secret")
        r = await client.post(POSTS, json={"body": "x", "group_id": group["id"]}, headers=admin.headers)
        assert r.status_code == 404

    @pytest.mark.parametrize(("role", "status"), [("member", 403), ("moderator", 403), ("communicator", 201),
                                                  ("admin", 201)])
    async def test_company_wide_announcement_needs_communicator_or_admin(
        self, client: httpx.AsyncClient, admin: Any, mia: Any, role: str, status: int
    ) -> None:
        if role != "member":
            await set_role(client, admin, mia, role)
        r = await client.post(POSTS, json={"body": "Launch", "kind": "announcement"}, headers=mia.headers)
        assert r.status_code == status, r.text

    async def test_group_announcement_needs_its_animator(self, client: httpx.AsyncClient, admin: Any, anna: Any,
                                                         mia: Any, make_group: Any) -> None:
        group = await make_group(anna, "Comms", "public", members=(mia,))
        await set_role(client, admin, mia, "communicator")  # a platform role does not animate the group
        body = {"body": "News", "kind": "announcement", "group_id": group["id"]}
        assert (await client.post(POSTS, json=body, headers=mia.headers)).status_code == 403
        assert (await client.post(POSTS, json=body, headers=anna.headers)).status_code == 201

    async def test_unauthenticated_gets_401(self, client: httpx.AsyncClient) -> None:
        assert (await client.post(POSTS, json={"body": "x"})).status_code == 401


class TestPostLimits:
    async def test_body_of_20000_chars_is_accepted_and_20001_refused(self, client: httpx.AsyncClient,
                                                                     mia: Any) -> None:
        ok = await client.post(POSTS, json={"body": "a" * 20_000}, headers=mia.headers)
        too_long = await client.post(POSTS, json={"body": "b" * 20_001}, headers=mia.headers)
        assert ok.status_code == 201
        assert too_long.status_code in (413, 422)

    @pytest.mark.parametrize("body", ["", "   ", "\n\t \n", None])
    async def test_empty_or_blank_body_is_422(self, client: httpx.AsyncClient, mia: Any, body: Any) -> None:
        assert (await client.post(POSTS, json={"body": body}, headers=mia.headers)).status_code == 422

    @pytest.mark.parametrize("payload", [
        {"body": "a\x00b"}, {"body": "ok", "title": "t\x00"}, {"body": "ok", "title": "t" * 201},
        {"body": "ok", "kind": "poll"}, {"body": "ok", "group_id": 2**64}, {"body": "ok", "group_id": "abc"},
        {"body": "ok", "group_id": 0}, {"body": ["list"]}, {},
    ])
    async def test_invalid_input_is_422_never_500(self, client: httpx.AsyncClient, mia: Any,
                                                  payload: dict[str, Any]) -> None:
        assert (await client.post(POSTS, json=payload, headers=mia.headers)).status_code == 422

    async def test_blank_title_is_no_title(self, client: httpx.AsyncClient, mia: Any) -> None:
        r = await client.post(POSTS, json={"body": "ok", "title": "   "}, headers=mia.headers)
        assert r.status_code == 201 and r.json()["title"] is None

    async def test_title_of_200_chars_is_accepted(self, client: httpx.AsyncClient, mia: Any) -> None:
        r = await client.post(POSTS, json={"body": "ok", "title": "t" * 200}, headers=mia.headers)
        assert r.status_code == 201 and r.json()["title"] == "t" * 200

    async def test_malformed_json_is_422(self, client: httpx.AsyncClient, mia: Any) -> None:
        r = await client.post(POSTS, content=b"{not json", headers={**mia.headers, "content-type": "application/json"})
        assert r.status_code == 422


class TestPostingRateLimits:
    async def test_second_post_within_interval_is_429_with_retry_after(
        self, client: httpx.AsyncClient, mia: Any, anna: Any, settings_override: Any
    ) -> None:
        settings_override(POST_INTERVAL_S=5)
        assert (await client.post(POSTS, json={"body": "one"}, headers=mia.headers)).status_code == 201
        r = await client.post(POSTS, json={"body": "two"}, headers=mia.headers)
        assert r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 5
        assert (await client.post(POSTS, json={"body": "other member"}, headers=anna.headers)).status_code == 201

    async def test_identical_body_within_window_is_409(self, client: httpx.AsyncClient, mia: Any,
                                                       anna: Any) -> None:
        assert (await client.post(POSTS, json={"body": "Same words"}, headers=mia.headers)).status_code == 201
        assert (await client.post(POSTS, json={"body": "Same words"}, headers=mia.headers)).status_code == 409
        assert (await client.post(POSTS, json={"body": "Same words"}, headers=anna.headers)).status_code == 201

    async def test_identical_body_after_window_is_accepted(self, client: httpx.AsyncClient, mia: Any,
                                                           session: Any) -> None:
        first = (await client.post(POSTS, json={"body": "Again"}, headers=mia.headers)).json()
        await session.execute(update(Post).where(Post.id == first["id"]).values(
            created_at=utcnow().replace(year=utcnow().year - 1)))
        await session.commit()
        assert (await client.post(POSTS, json={"body": "Again"}, headers=mia.headers)).status_code == 201

    async def test_rate_limits_off_disables_interval_and_duplicates(
        self, client: httpx.AsyncClient, mia: Any, settings_override: Any
    ) -> None:
        settings_override(POST_INTERVAL_S=5, RATE_LIMITS="off")
        for _ in range(3):
            assert (await client.post(POSTS, json={"body": "load"}, headers=mia.headers)).status_code == 201


class TestIdempotencyKey:
    async def test_retry_with_same_key_returns_the_first_post(self, client: httpx.AsyncClient, mia: Any,
                                                              session: Any, settings_override: Any) -> None:
        settings_override(POST_INTERVAL_S=5)  # the replay is neither rate limited nor a duplicate
        headers = {**mia.headers, "Idempotency-Key": "abc-123"}
        first = await client.post(POSTS, json={"body": "Once"}, headers=headers)
        again = await client.post(POSTS, json={"body": "Once"}, headers=headers)
        assert first.status_code == 201 and again.status_code in (200, 201)
        assert again.json() == first.json()
        assert await post_count(session) == 1

    async def test_same_key_with_another_body_is_422(self, client: httpx.AsyncClient, mia: Any,
                                                     session: Any) -> None:
        headers = {**mia.headers, "Idempotency-Key": "k1"}
        assert (await client.post(POSTS, json={"body": "A"}, headers=headers)).status_code == 201
        assert (await client.post(POSTS, json={"body": "B"}, headers=headers)).status_code == 422
        assert (await client.post(POSTS, json={"body": "A", "title": "t"}, headers=headers)).status_code == 422
        assert await post_count(session) == 1

    async def test_keys_are_per_member(self, client: httpx.AsyncClient, mia: Any, anna: Any, session: Any) -> None:
        for member in (mia, anna):
            r = await client.post(POSTS, json={"body": "Shared key"}, headers={**member.headers,
                                                                               "Idempotency-Key": "same"})
            assert r.status_code == 201 and r.json()["author"]["id"] == member.id
        assert await post_count(session) == 2

    async def test_key_expires_after_24_hours(self, client: httpx.AsyncClient, mia: Any, session: Any) -> None:
        from app.posts.models import IdempotencyKey

        headers = {**mia.headers, "Idempotency-Key": "old"}
        first = (await client.post(POSTS, json={"body": "Day one"}, headers=headers)).json()
        await session.execute(update(IdempotencyKey).values(created_at=utcnow().replace(year=2000)))
        await session.execute(update(Post).values(created_at=utcnow().replace(year=2000)))
        await session.commit()
        second = await client.post(POSTS, json={"body": "Day one"}, headers=headers)
        assert second.status_code == 201 and second.json()["id"] != first["id"]

    @pytest.mark.parametrize("key", ["k" * 201, ""])
    async def test_bad_key_is_422(self, client: httpx.AsyncClient, mia: Any, key: str) -> None:
        r = await client.post(POSTS, json={"body": "x"}, headers={**mia.headers, "Idempotency-Key": key})
        assert r.status_code == 422

    async def test_concurrent_retries_create_one_post(self, client: httpx.AsyncClient, mia: Any,
                                                      session: Any) -> None:
        headers = {**mia.headers, "Idempotency-Key": "race"}
        responses = await asyncio.gather(*[client.post(POSTS, json={"body": "Race"}, headers=headers)
                                           for _ in range(4)])
        statuses = sorted(r.status_code for r in responses)
        assert statuses.count(201) == 1 and set(statuses) <= {200, 201, 409}, statuses
        ids = {r.json()["id"] for r in responses if r.status_code in (200, 201)}
        assert len(ids) == 1
        assert await post_count(session) == 1


class TestGetPost:
    async def test_private_group_post_is_404_for_outsiders_like_a_missing_one(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any
    ) -> None:
        group = await make_group(anna, "Board", "private", members=(mia,))
        post = await make_post(mia, "Secret plans", group_id=group["id"])
        hidden = await client.get(f"{POSTS}/{post['id']}", headers=olga.headers)
        missing = await client.get(f"{POSTS}/999999", headers=olga.headers)
        assert hidden.status_code == 404 and hidden.json() == missing.json()
        assert (await client.get(f"{POSTS}/{post['id']}", headers=mia.headers)).status_code == 200

    async def test_public_group_post_is_visible_to_non_members(
        self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any, make_post: Any
    ) -> None:
        group = await make_group(anna, "Open", "public")
        post = await make_post(anna, "Hello all", group_id=group["id"])
        assert (await client.get(f"{POSTS}/{post['id']}", headers=olga.headers)).status_code == 200

    async def test_hidden_post_is_404_except_for_moderators(
        self, client: httpx.AsyncClient, admin: Any, mia: Any, olga: Any, make_post: Any, session: Any
    ) -> None:
        post = await make_post(mia, "Off topic")
        await session.execute(update(Post).where(Post.id == post["id"]).values(hidden_at=utcnow()))
        await session.commit()
        assert (await client.get(f"{POSTS}/{post['id']}", headers=olga.headers)).status_code == 404
        assert (await client.get(f"{POSTS}/{post['id']}", headers=mia.headers)).status_code == 404
        assert (await client.get(f"{POSTS}/{post['id']}", headers=admin.headers)).status_code == 200

    @pytest.mark.parametrize("post_id", ["abc", "0", "-1", str(2**64)])
    async def test_bad_ids_are_422(self, client: httpx.AsyncClient, mia: Any, post_id: str) -> None:
        assert (await client.get(f"{POSTS}/{post_id}", headers=mia.headers)).status_code == 422


class TestUpdatePost:
    async def test_author_edits_body_and_title_and_refs_are_re_extracted(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_post: Any, session: Any
    ) -> None:
        post = await make_post(mia, f"Hi @{olga.handle} #Avant", title="Old")
        r = await client.patch(f"{POSTS}/{post['id']}", json={"body": f"Hi @{anna.handle} #Après", "title": "New"},
                               headers=mia.headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["title"] == "New" and body["body"] == f"Hi @{anna.handle} #Après"
        assert body["edited_at"] is not None
        assert body["topics"] == ["après"]
        assert [m["id"] for m in body["mentions"]] == [anna.id]
        assert set(await session.scalars(select(PostTopic.topic))) == {"après"}
        assert set(await session.scalars(select(PostMention.user_id))) == {anna.id}

    async def test_title_alone_keeps_body_and_null_clears_title(self, client: httpx.AsyncClient, mia: Any,
                                                                make_post: Any) -> None:
        post = await make_post(mia, "Body #stays", title="T")
        r = await client.patch(f"{POSTS}/{post['id']}", json={"title": None}, headers=mia.headers)
        assert r.status_code == 200
        assert r.json()["title"] is None and r.json()["body"] == "Body #stays" and r.json()["topics"] == ["stays"]

    async def test_empty_patch_changes_nothing(self, client: httpx.AsyncClient, mia: Any, make_post: Any) -> None:
        post = await make_post(mia, "Body", title="T")
        r = await client.patch(f"{POSTS}/{post['id']}", json={}, headers=mia.headers)
        assert r.status_code == 200 and r.json() == post

    @pytest.mark.parametrize("payload", [{"body": ""}, {"body": None}, {"body": "x" * 20_001}, {"body": "a\x00"},
                                         {"title": "t" * 201}])
    async def test_invalid_edit_is_422(self, client: httpx.AsyncClient, mia: Any, make_post: Any,
                                       payload: dict[str, Any]) -> None:
        post = await make_post(mia, "Body")
        assert (await client.patch(f"{POSTS}/{post['id']}", json=payload, headers=mia.headers)).status_code == 422

    async def test_others_get_403_even_admins(self, client: httpx.AsyncClient, admin: Any, anna: Any, mia: Any,
                                              make_post: Any) -> None:
        post = await make_post(mia, "Mine")
        for other in (anna, admin):
            r = await client.patch(f"{POSTS}/{post['id']}", json={"body": "Theirs"}, headers=other.headers)
            assert r.status_code == 403

    async def test_invisible_post_is_404(self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any,
                                         make_post: Any) -> None:
        group = await make_group(anna, "Private", "private")
        post = await make_post(anna, "Inside", group_id=group["id"])
        r = await client.patch(f"{POSTS}/{post['id']}", json={"body": "x"}, headers=olga.headers)
        assert r.status_code == 404


class TestDeletePost:
    async def test_author_deletes_softly(self, client: httpx.AsyncClient, mia: Any, make_post: Any,
                                         session: Any) -> None:
        post = await make_post(mia, "Bye")
        assert (await client.delete(f"{POSTS}/{post['id']}", headers=mia.headers)).status_code == 204
        assert (await client.get(f"{POSTS}/{post['id']}", headers=mia.headers)).status_code == 404
        assert (await client.delete(f"{POSTS}/{post['id']}", headers=mia.headers)).status_code == 404
        assert await session.scalar(select(Post.deleted_at).where(Post.id == post["id"])) is not None

    async def test_group_animator_and_moderator_may_delete(self, client: httpx.AsyncClient, admin: Any, anna: Any,
                                                           mia: Any, olga: Any, make_group: Any,
                                                           make_post: Any) -> None:
        group = await make_group(anna, "Team", "public", members=(mia,))
        by_animator = await make_post(mia, "One", group_id=group["id"])
        assert (await client.delete(f"{POSTS}/{by_animator['id']}", headers=anna.headers)).status_code == 204
        await client.patch(f"/api/v1/admin/users/{olga.id}", json={"role": "moderator"}, headers=admin.headers)
        by_moderator = await make_post(mia, "Two")
        assert (await client.delete(f"{POSTS}/{by_moderator['id']}", headers=olga.headers)).status_code == 204

    async def test_animator_of_another_group_and_members_get_403(
        self, client: httpx.AsyncClient, anna: Any, mia: Any, olga: Any, make_group: Any, make_post: Any
    ) -> None:
        await make_group(anna, "Elsewhere", "public")
        company = await make_post(mia, "Company-wide")
        assert (await client.delete(f"{POSTS}/{company['id']}", headers=anna.headers)).status_code == 403
        assert (await client.delete(f"{POSTS}/{company['id']}", headers=olga.headers)).status_code == 403

    async def test_invisible_post_is_404(self, client: httpx.AsyncClient, anna: Any, olga: Any, make_group: Any,
                                         make_post: Any) -> None:
        group = await make_group(anna, "Secret", "secret")
        post = await make_post(anna, "Inside", group_id=group["id"])
        assert (await client.delete(f"{POSTS}/{post['id']}", headers=olga.headers)).status_code == 404


class TestIdempotencyInFlight:
    """A retry that arrives while the first request's transaction is still open."""

    async def first_in_flight(self, app: Any, member: Any, key: str) -> Any:
        from app.posts import service
        from app.posts.schemas import PostCreate
        from app.users import service as users_service
        from app.users.models import User

        runtime = app.state.runtime
        session = runtime.sessionmaker()
        actor = await users_service.build_actor(runtime, session, await session.get_one(User, member.id))
        post, created = await service.create_post(session, runtime, actor, PostCreate(body="In flight"),
                                                  idempotency_key=key)
        assert created
        return session, post.id

    async def test_retry_waits_for_the_first_and_replays_it(self, app: Any, client: httpx.AsyncClient, mia: Any,
                                                            session: Any) -> None:
        first, post_id = await self.first_in_flight(app, mia, "flight")
        try:
            retry = asyncio.create_task(client.post(POSTS, json={"body": "In flight"},
                                                    headers={**mia.headers, "Idempotency-Key": "flight"}))
            await asyncio.sleep(0.3)
            assert not retry.done()  # blocked on the key until the first commits
            await first.commit()
        finally:
            await first.close()
        r = await retry
        assert r.status_code == 200 and r.json()["id"] == post_id
        assert await post_count(session) == 1

    async def test_retry_gets_409_when_the_first_stays_in_flight(self, app: Any, client: httpx.AsyncClient,
                                                                 mia: Any, session: Any) -> None:
        first, _ = await self.first_in_flight(app, mia, "stuck")
        try:
            r = await client.post(POSTS, json={"body": "In flight"}, headers={**mia.headers, "Idempotency-Key": "stuck"})
            if session.get_bind().dialect.name == "postgresql":
                assert r.status_code == 409  # waited for the same key's row past the lock timeout: really in flight
            else:  # SQLite's busy timeout says only that someone holds the write lock: retry later, never a 409
                assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
        finally:
            await first.rollback()
            await first.close()
        assert await post_count(session) == 0


class TestIdempotencyNoFalseConflict:
    """409 promises "the first request with this key is in flight": a client that trusts it gives up. Any other
    failure while claiming a brand-new key must be a 503 the client retries (issue 27, point 3)."""

    async def test_a_database_error_while_claiming_is_503_and_the_retry_posts_once(
            self, app: Any, client: httpx.AsyncClient, mia: Any, session: Any) -> None:
        from sqlalchemy import event
        from sqlalchemy.exc import OperationalError

        engine = app.state.runtime.engine.sync_engine
        failures = {"left": 1}

        def locked_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if failures["left"] and statement.lstrip().upper().startswith("INSERT INTO IDEMPOTENCY_KEYS"):
                failures["left"] -= 1
                raise OperationalError(statement, {}, Exception("database is locked"))

        event.listen(engine, "before_cursor_execute", locked_once)
        try:
            headers = {**mia.headers, "Idempotency-Key": "brand-new"}
            r = await client.post(POSTS, json={"body": "Kept"}, headers=headers)
            assert r.status_code == 503, r.text
            assert int(r.headers["Retry-After"]) > 0
            retry = await client.post(POSTS, json={"body": "Kept"}, headers=headers)
            assert retry.status_code == 201, retry.text
        finally:
            event.remove(engine, "before_cursor_execute", locked_once)
        assert await post_count(session) == 1

    async def test_concurrent_new_keys_never_get_409(self, client: httpx.AsyncClient, mia: Any, anna: Any,
                                                    session: Any) -> None:
        requests = [client.post(POSTS, json={"body": f"Post {i}"},
                                headers={**member.headers, "Idempotency-Key": f"new-{i}"})
                    for i in range(12) for member in (mia, anna)]
        statuses = [r.status_code for r in await asyncio.gather(*requests)]
        assert 409 not in statuses, statuses
        assert set(statuses) <= {201, 503}, statuses
        assert await post_count(session) == statuses.count(201)

    async def test_a_lock_on_another_key_is_not_a_conflict(self, app: Any, client: httpx.AsyncClient, mia: Any,
                                                           session: Any) -> None:
        """PostgreSQL: the member's expired keys are cleaned when they post; one locked by another transaction
        makes that cleanup wait past the lock timeout. That is not "this key is in flight"."""
        from app.posts.models import IdempotencyKey

        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("row locks: PostgreSQL")
        session.add(IdempotencyKey(user_id=mia.id, key="old-one", request_hash="x" * 64, post_id=None,
                                   created_at=utcnow().replace(year=2000)))
        await session.commit()
        holder = app.state.runtime.sessionmaker()
        try:
            await holder.execute(select(IdempotencyKey).where(IdempotencyKey.key == "old-one").with_for_update())
            r = await client.post(POSTS, json={"body": "Fresh"}, headers={**mia.headers, "Idempotency-Key": "fresh"})
            assert r.status_code == 503, r.text
        finally:
            await holder.rollback()
            await holder.close()
        r = await client.post(POSTS, json={"body": "Fresh"}, headers={**mia.headers, "Idempotency-Key": "fresh"})
        assert r.status_code == 201, r.text
