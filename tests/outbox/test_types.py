"""Typed activities: each type writes exactly the columns and JSON payload stored so far, and reads them back."""

import json
from types import SimpleNamespace
from typing import Any

import pytest

from app.outbox.models import Activity
from app.outbox.types import (
    COLUMNS,
    REGISTRY,
    CommentCreated,
    CommentDeleted,
    CommentUpdated,
    GroupAccepted,
    GroupCreated,
    GroupRequested,
    GroupUpdated,
    MembershipChanged,
    NotificationCreated,
    PostCreated,
    PostDeleted,
    PostUpdated,
    ReactionChanged,
    TypedActivity,
    UserCreated,
    UserUpdated,
    parse,
)
from app.outbox.write import row_values

# (activity, the id columns it sets, the payload's JSON text as the code before typed activities wrote it)
CASES: list[tuple[TypedActivity, dict[str, int], str]] = [
    (UserCreated(actor_id=3, subject_user_id=3), {"actor_id": 3, "subject_user_id": 3}, "{}"),
    (UserUpdated(actor_id=1, subject_user_id=3), {"actor_id": 1, "subject_user_id": 3}, "{}"),
    (GroupCreated(actor_id=1, group_id=7, visibility="secret"), {"actor_id": 1, "group_id": 7},
     '{"visibility": "secret"}'),
    (GroupUpdated(actor_id=1, group_id=7, visibility="public"), {"actor_id": 1, "group_id": 7},
     '{"visibility": "public"}'),
    (MembershipChanged(actor_id=1, group_id=7, subject_user_id=3, status="member"),
     {"actor_id": 1, "group_id": 7, "subject_user_id": 3}, '{"status": "member", "private": true}'),
    (MembershipChanged(actor_id=3, group_id=7, subject_user_id=3, status=None),
     {"actor_id": 3, "group_id": 7, "subject_user_id": 3}, '{"status": null, "private": true}'),
    (GroupRequested(actor_id=3, group_id=7, subject_user_id=3), {"actor_id": 3, "group_id": 7, "subject_user_id": 3},
     "{}"),
    (GroupAccepted(actor_id=1, group_id=7, subject_user_id=3), {"actor_id": 1, "group_id": 7, "subject_user_id": 3},
     "{}"),
    (PostCreated(actor_id=3, post_id=11, group_id=None, kind="announcement", mentions=(4, 5)),
     {"actor_id": 3, "post_id": 11}, '{"kind": "announcement", "mentions": [4, 5]}'),
    (PostUpdated(actor_id=3, post_id=11, group_id=7, kind="discussion", mentions=(4, 5), new_mentions=(5,)),
     {"actor_id": 3, "post_id": 11, "group_id": 7}, '{"kind": "discussion", "mentions": [4, 5], "new_mentions": [5]}'),
    (PostDeleted(actor_id=1, post_id=11, group_id=7, kind="question", author_id=3),
     {"actor_id": 1, "post_id": 11, "group_id": 7}, '{"kind": "question", "author_id": 3}'),
    (CommentCreated(actor_id=4, post_id=11, comment_id=20, group_id=7, parent_id=19, post_author_id=3,
                    parent_author_id=5, mentions=(6,)),
     {"actor_id": 4, "post_id": 11, "comment_id": 20, "group_id": 7},
     '{"parent_id": 19, "post_author_id": 3, "parent_author_id": 5, "mentions": [6]}'),
    (CommentCreated(actor_id=4, post_id=11, comment_id=20, group_id=None, parent_id=None, post_author_id=3,
                    parent_author_id=None, mentions=()),
     {"actor_id": 4, "post_id": 11, "comment_id": 20},
     '{"parent_id": null, "post_author_id": 3, "parent_author_id": null, "mentions": []}'),
    (CommentUpdated(actor_id=4, post_id=11, comment_id=20, group_id=7, parent_id=19, post_author_id=3,
                    mentions=(5, 6), new_mentions=(6,)),
     {"actor_id": 4, "post_id": 11, "comment_id": 20, "group_id": 7},
     '{"parent_id": 19, "post_author_id": 3, "mentions": [5, 6], "new_mentions": [6]}'),
    (CommentDeleted(actor_id=4, post_id=11, comment_id=20, group_id=7, parent_id=None, post_author_id=3,
                    reply_ids=(21, 22)),
     {"actor_id": 4, "post_id": 11, "comment_id": 20, "group_id": 7},
     '{"parent_id": null, "post_author_id": 3, "reply_ids": [21, 22]}'),
    (ReactionChanged(actor_id=4, post_id=11, comment_id=None, group_id=7, reaction_count=2, kind="like",
                     target_author_id=3, target_post_id=11),
     {"actor_id": 4, "post_id": 11, "group_id": 7},
     '{"reaction_count": 2, "kind": "like", "target_author_id": 3, "target_post_id": 11}'),
    (ReactionChanged(actor_id=4, post_id=None, comment_id=20, group_id=None, reaction_count=0, kind=None,
                     target_author_id=5, target_post_id=11),
     {"actor_id": 4, "comment_id": 20},
     '{"reaction_count": 0, "kind": null, "target_author_id": 5, "target_post_id": 11}'),
    (NotificationCreated(actor_id=4, subject_user_id=3, notification_id=30, kind="mention"),
     {"actor_id": 4, "subject_user_id": 3}, '{"notification_id": 30, "kind": "mention", "private": true}'),
]


def _row(values: dict[str, Any], id: int = 1) -> Activity:
    return Activity(id=id, **values)


class TestRoundTrip:
    @pytest.mark.parametrize(("activity", "ids", "payload"), CASES, ids=[a.type for a, _, _ in CASES])
    def test_writes_the_stored_columns_and_payload_and_reads_them_back(
            self, activity: TypedActivity, ids: dict[str, int], payload: str) -> None:
        values = row_values(activity)
        assert values["type"] == activity.type
        assert {c: values[c] for c in COLUMNS} == {c: ids.get(c) for c in COLUMNS}
        assert json.dumps(values["payload"]) == payload  # same keys, same order, same values
        stored = json.loads(json.dumps(values["payload"]))  # as the JSON column gives it back
        assert parse(_row({**values, "payload": stored})) == activity

    def test_every_type_has_a_case(self) -> None:
        assert {a.type for a, _, _ in CASES} == set(REGISTRY)

    def test_private_types_are_those_that_reach_only_their_subject(self) -> None:
        assert {name for name, cls in REGISTRY.items() if cls.private} == {"membership.changed", "notification.created"}

    def test_a_comment_reaction_is_about_its_post(self) -> None:
        reaction = CASES[-2][0]
        assert isinstance(reaction, ReactionChanged) and reaction.about_post == 11
        assert CASES[0][0].about_post is None and CASES[8][0].about_post == 11


class TestStoredRows:
    def test_the_bench_generators_history_parses(self) -> None:
        """`bench/generate.py` writes the outbox's history itself: its rows read as what the app writes."""
        from bench.dataset import Dataset, Sizes

        dataset = Dataset(Sizes(members=12, groups=5, posts=60, comments=50, reactions=40, follows=3, group_joins=2),
                          "not-a-hash")
        seen = set()
        for id, type_, actor, group, post, comment, subject, payload, _ in dataset.rows("activities"):
            row = SimpleNamespace(id=id, type=type_, actor_id=actor, group_id=group, post_id=post,
                                  comment_id=comment, subject_user_id=subject, payload=json.loads(payload))
            activity = parse(row)
            assert activity is not None, row
            assert activity.payload() == json.loads(payload) and activity.columns() == {
                c: getattr(row, c) for c in COLUMNS}
            seen.add(type_)
        assert seen == {"post.created", "comment.created", "reaction.changed"}

    def test_an_unknown_type_parses_as_none(self) -> None:
        assert parse(_row({"type": "event.scheduled", "group_id": 7, "payload": {"at": "tomorrow"}})) is None

    def test_a_row_missing_an_id_its_type_requires_parses_as_none(self) -> None:
        assert parse(_row({"type": "post.created", "actor_id": 3, "payload": {"kind": "discussion"}})) is None

    def test_missing_or_misshapen_payload_values_read_as_empty(self) -> None:
        """Rows written by hand (tests, old scripts) carry `{}` or odd shapes: they read, never crash a consumer."""
        assert parse(_row({"type": "post.created", "post_id": 11, "payload": {}})) == PostCreated(
            actor_id=None, post_id=11, group_id=None, kind="", mentions=())
        odd = {"reaction_count": "2", "kind": 5, "target_author_id": True, "target_post_id": None}
        assert parse(_row({"type": "reaction.changed", "comment_id": 20, "payload": odd})) == ReactionChanged(
            actor_id=None, post_id=None, comment_id=20, group_id=None, reaction_count=0, kind=None,
            target_author_id=None, target_post_id=None)
        assert parse(_row({"type": "comment.deleted", "post_id": 11, "comment_id": 20,
                           "payload": {"reply_ids": [21, "x", None, False, 22]}})).reply_ids == (21, 22)
        assert parse(_row({"type": "user.updated", "subject_user_id": 3, "payload": None})) == UserUpdated(
            actor_id=None, subject_user_id=3)
