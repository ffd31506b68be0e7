"""The access rules of app/permissions.py as a matrix: actor kind x object x rule -> allowed?"""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from app import permissions as p
from app.errors import Forbidden
from app.groups.models import Group
from app.permissions import Actor
from app.posts.models import Post

PUBLIC, PRIVATE, SECRET = 1, 2, 3  # group ids
NOW = datetime(2026, 1, 1, tzinfo=UTC)
ME, OTHER = 10, 20

ACTORS = {
    # name: (role, member of, animator of, public groups)
    "outsider": Actor(ME, "member", "s", frozenset(), frozenset(), frozenset({PUBLIC})),
    "member": Actor(ME, "member", "s", frozenset({PUBLIC, PRIVATE, SECRET}), frozenset(), frozenset({PUBLIC})),
    "animator": Actor(ME, "member", "s", frozenset({PUBLIC, PRIVATE, SECRET}), frozenset({PUBLIC, PRIVATE, SECRET}),
                      frozenset({PUBLIC})),
    "communicator": Actor(ME, "communicator", "s", frozenset(), frozenset(), frozenset({PUBLIC})),
    "moderator": Actor(ME, "moderator", "s", frozenset(), frozenset(), frozenset({PUBLIC})),
    "admin": Actor(ME, "admin", "s", frozenset(), frozenset(), frozenset({PUBLIC})),
}
GROUPS = {"public": Group(id=PUBLIC, visibility="public"), "private": Group(id=PRIVATE, visibility="private"),
          "secret": Group(id=SECRET, visibility="secret")}
GROUP_IDS = {"company": None, "public": PUBLIC, "private": PRIVATE, "secret": SECRET}


def _post(where: str, author: int = OTHER, state: str = "live") -> Post:
    return Post(id=1, author_id=author, group_id=GROUP_IDS[where],
                deleted_at=NOW if state == "deleted" else None, hidden_at=NOW if state == "hidden" else None)


def _matrix(table: str) -> list[tuple[str, str, bool]]:
    """Rows of 'actor: object=expected' lines, Y/N, one column per object."""
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    return [(row[0], obj, flag == "Y") for row in rows for obj, flag in zip(header, row[1:], strict=True)]


CAN_SEE_GROUP = _matrix("""
                 public private secret
    outsider     Y      Y       N
    member       Y      Y       Y
    animator     Y      Y       Y
    communicator Y      Y       N
    moderator    Y      Y       N
    admin        Y      Y       N
""")
CAN_READ_GROUP_CONTENT = _matrix("""
                 company public private secret
    outsider     Y       Y      N       N
    member       Y       Y      Y       Y
    animator     Y       Y      Y       Y
    communicator Y       Y      N       N
    moderator    Y       Y      N       N
    admin        Y       Y      N       N
""")
CAN_MANAGE_GROUP = _matrix("""
                 public private secret
    outsider     N      N       N
    member       N      N       N
    animator     Y      Y       Y
    communicator N      N       N
    moderator    N      N       N
    admin        Y      Y       Y
""")
CAN_JOIN_GROUP = _matrix("""
                 public private secret
    outsider     Y      Y       N
    admin        Y      Y       N
""")
CAN_POST_IN = _matrix("""
                 company public private secret
    outsider     Y       N      N       N
    member       Y       Y      Y       Y
    communicator Y       N      N       N
    admin        Y       N      N       N
""")
CAN_ANNOUNCE_IN = _matrix("""
                 company public private secret
    outsider     N       N      N       N
    member       N       N      N       N
    animator     N       Y      Y       Y
    communicator Y       N      N       N
    moderator    N       N      N       N
    admin        Y       N      N       N
""")

CAN_CREATE_GROUP = _matrix("""
                 everyone animators admins
    outsider     Y        N         N
    member       Y        N         N
    animator     Y        Y         N
    communicator Y        N         N
    moderator    Y        N         N
    admin        Y        Y         Y
""")


class TestGroupRules:
    @pytest.mark.parametrize("actor,group,allowed", CAN_SEE_GROUP)
    def test_can_see_group(self, actor: str, group: str, allowed: bool) -> None:
        assert p.can_see_group(ACTORS[actor], GROUPS[group]) is allowed

    @pytest.mark.parametrize("actor,where,allowed", CAN_READ_GROUP_CONTENT)
    def test_can_read_group_content(self, actor: str, where: str, allowed: bool) -> None:
        assert p.can_read_group_content(ACTORS[actor], GROUP_IDS[where]) is allowed

    @pytest.mark.parametrize("actor,group,allowed", CAN_MANAGE_GROUP)
    def test_can_manage_group(self, actor: str, group: str, allowed: bool) -> None:
        assert p.can_manage_group(ACTORS[actor], GROUPS[group]) is allowed

    @pytest.mark.parametrize("actor,group,allowed", CAN_JOIN_GROUP)
    def test_can_join_group(self, actor: str, group: str, allowed: bool) -> None:
        assert p.can_join_group(ACTORS[actor], GROUPS[group]) is allowed

    @pytest.mark.parametrize("actor,where,allowed", CAN_POST_IN)
    def test_can_post_in(self, actor: str, where: str, allowed: bool) -> None:
        assert p.can_post_in(ACTORS[actor], GROUP_IDS[where]) is allowed

    @pytest.mark.parametrize("actor,where,allowed", CAN_ANNOUNCE_IN)
    def test_can_announce_in(self, actor: str, where: str, allowed: bool) -> None:
        assert p.can_announce_in(ACTORS[actor], GROUP_IDS[where]) is allowed

    @pytest.mark.parametrize("actor,group,allowed", CAN_MANAGE_GROUP)
    def test_can_delete_group_follows_can_manage(self, actor: str, group: str, allowed: bool) -> None:
        assert p.can_delete_group(ACTORS[actor], GROUPS[group]) is allowed

    @pytest.mark.parametrize("actor,policy,allowed", CAN_CREATE_GROUP)
    def test_can_create_group(self, actor: str, policy: str, allowed: bool) -> None:
        assert p.can_create_group(ACTORS[actor], policy) is allowed

    @pytest.mark.parametrize("actor", ACTORS)
    def test_a_deleted_group_exists_for_nobody(self, actor: str) -> None:
        for group in GROUPS.values():
            gone = Group(id=group.id, visibility=group.visibility, deleted_at=NOW)
            assert p.can_see_group(ACTORS[actor], gone) is False

    def test_archived_groups_are_seen_but_not_discovered(self) -> None:
        archived = Group(id=PUBLIC, visibility="public", archived_at=NOW)
        assert p.is_archived(archived) and not p.is_discoverable(archived)
        assert p.can_see_group(ACTORS["outsider"], archived)
        assert p.is_discoverable(Group(id=PUBLIC, visibility="public"))

    @pytest.mark.parametrize("before,after,exposes", [
        ("secret", "private", True), ("secret", "public", True), ("private", "public", True),
        ("public", "private", False), ("public", "secret", False), ("private", "secret", False),
        ("public", "public", False),
    ])
    def test_visibility_exposes(self, before: str, after: str, exposes: bool) -> None:
        assert p.visibility_exposes(before, after) is exposes


# Posts: (actor, where, author, state) -> view / edit / delete / delete a comment by OTHER
POST_CASES = [
    # actor       where      author state      view   edit   delete
    ("outsider", "company", OTHER, "live", True, False, False),
    ("outsider", "company", ME, "live", True, True, True),
    ("outsider", "public", OTHER, "live", True, False, False),
    ("outsider", "private", OTHER, "live", False, False, False),
    ("outsider", "secret", OTHER, "live", False, False, False),
    ("outsider", "company", OTHER, "hidden", False, False, False),
    ("outsider", "company", ME, "hidden", False, True, True),
    ("outsider", "company", OTHER, "deleted", False, False, False),
    ("member", "private", OTHER, "live", True, False, False),
    ("member", "secret", OTHER, "live", True, False, False),
    ("member", "secret", OTHER, "hidden", False, False, False),
    ("animator", "secret", OTHER, "live", True, False, True),
    ("animator", "company", OTHER, "live", True, False, False),
    ("communicator", "company", OTHER, "live", True, False, False),
    ("moderator", "company", OTHER, "hidden", True, False, True),
    ("moderator", "private", OTHER, "live", False, False, True),
    ("moderator", "company", OTHER, "deleted", False, False, True),
    ("admin", "public", OTHER, "hidden", True, False, True),
    ("admin", "secret", OTHER, "live", False, False, True),
]


class TestPostRules:
    @pytest.mark.parametrize("actor,where,author,state,view,edit,delete", POST_CASES)
    def test_can_view_post(self, actor: str, where: str, author: int, state: str, view: bool, edit: bool,
                           delete: bool) -> None:
        assert p.can_view_post(ACTORS[actor], _post(where, author, state)) is view

    @pytest.mark.parametrize("actor,where,author,state,view,edit,delete", POST_CASES)
    def test_can_edit_post(self, actor: str, where: str, author: int, state: str, view: bool, edit: bool,
                           delete: bool) -> None:
        assert p.can_edit_post(ACTORS[actor], _post(where, author, state)) is edit

    @pytest.mark.parametrize("actor,where,author,state,view,edit,delete", POST_CASES)
    def test_can_delete_post_and_comments_follow_the_same_rule(
        self, actor: str, where: str, author: int, state: str, view: bool, edit: bool, delete: bool
    ) -> None:
        post = _post(where, author, state)
        assert p.can_delete_post(ACTORS[actor], post) is delete
        assert p.can_delete_comment(ACTORS[actor], author, _post(where, OTHER, state)) is delete

    @pytest.mark.parametrize("actor,where,author,state,view,edit,delete", POST_CASES)
    def test_only_the_author_edits_a_comment(self, actor: str, where: str, author: int, state: str, view: bool,
                                             edit: bool, delete: bool) -> None:
        """As for posts: nobody rewrites another's words, not even admins and animators (they hide or delete)."""
        assert p.can_edit_comment(ACTORS[actor], author) is (author == ACTORS[actor].user_id)

    @pytest.mark.parametrize("actor,where,author,state,view,edit,delete", POST_CASES)
    def test_visible_posts_sql_filter_agrees_with_can_view_post(
        self, actor: str, where: str, author: int, state: str, view: bool, edit: bool, delete: bool
    ) -> None:
        """The SQL filter and the Python rule must never disagree: evaluated on in-memory SQLite rows holding the
        same facts as the actor (the groups' visibility, the actor's memberships)."""
        assert self._sql_sees(ACTORS[actor], _post(where, author, state)) is view

    @pytest.mark.parametrize("actor", ["outsider", "admin", "moderator"])
    def test_a_deleted_public_groups_posts_are_visible_to_no_outsider_in_sql(self, actor: str) -> None:
        """The group cache (the Python rule's public groups) leaves a deleted group out: so must the SQL rule, or a
        post that escaped the deletion would still show in feeds, profiles, topics and search."""
        post = _post("public", OTHER, "live")
        assert p.can_view_post(ACTORS[actor], post) is True  # the group as the cache knew it before the deletion
        assert self._sql_sees(ACTORS[actor], post, deleted_groups={PUBLIC}) is False

    @staticmethod
    def _sql_sees(who: Any, post: Any, deleted_groups: frozenset[int] | set[int] = frozenset()) -> bool:
        import sqlite3

        stmt = select(Post.id).where(Post.id == 1, p.visible_posts(who))
        sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE posts (id INTEGER, group_id INTEGER, deleted_at TEXT, hidden_at TEXT)")
        db.execute("CREATE TABLE groups (id INTEGER, visibility TEXT, deleted_at TEXT)")
        db.execute("CREATE TABLE group_memberships (group_id INTEGER, user_id INTEGER, status TEXT)")
        db.executemany("INSERT INTO groups VALUES (?, ?, ?)", [
            (g.id, g.visibility, "x" if g.id in deleted_groups else None) for g in GROUPS.values()])
        db.executemany("INSERT INTO group_memberships VALUES (?, ?, ?)", [
            (g, who.user_id, "animator" if g in who.animator_group_ids else "member") for g in who.member_group_ids])
        if PRIVATE not in who.member_group_ids:  # a join request opens nothing
            db.execute("INSERT INTO group_memberships VALUES (?, ?, 'pending')", (PRIVATE, who.user_id))
        db.execute("INSERT INTO posts VALUES (1, ?, ?, ?)",
                   (post.group_id, "x" if post.deleted_at else None, "x" if post.hidden_at else None))
        return bool(db.execute(sql).fetchall())


CAN_SEE_ACTIVITY = [
    # actor, group, subject, private, allowed
    ("outsider", "company", None, False, True),
    ("outsider", "public", None, False, True),
    ("outsider", "private", None, False, False),
    ("outsider", "secret", None, False, False),
    ("member", "secret", None, False, True),
    ("outsider", "secret", ME, True, True),
    ("member", "public", OTHER, True, False),
    ("admin", "company", OTHER, True, False),
]


class TestActivityRule:
    @pytest.mark.parametrize("actor,where,subject,private,allowed", CAN_SEE_ACTIVITY)
    def test_can_see_activity(self, actor: str, where: str, subject: int | None, private: bool, allowed: bool) -> None:
        assert p.can_see_activity(ACTORS[actor], GROUP_IDS[where], subject, private) is allowed


class TestRequire:
    def test_allowed_passes(self) -> None:
        p.require(True)

    def test_refused_raises_forbidden_with_detail(self) -> None:
        with pytest.raises(Forbidden) as info:
            p.require(False, "Only animators")
        assert info.value.detail == "Only animators"


def test_every_rule_of_the_module_is_in_the_matrix() -> None:
    tested = {"can_see_group", "can_read_group_content", "can_manage_group", "can_join_group", "can_post_in",
              "can_announce_in", "can_view_post", "can_delete_group", "can_create_group", "can_edit_post",
              "can_delete_post", "can_delete_comment", "can_see_activity", "can_edit_comment"}
    rules: set[Any] = {name for name in dir(p) if name.startswith("can_")}
    assert rules - tested == set(), "add the new rule to tests/test_permissions.py"
