"""A new post, its topics, its mentions and its activity: one statement on PostgreSQL.

Publishing is the busiest write. Through the ORM it took an INSERT per table, each a round trip, plus the unit of
work's bookkeeping. PostgreSQL now gets one statement whose common table expressions insert the post and, from
its id, the rest (they commit or fail together, like the transaction around them). SQLite, in process, gets the
same rows as consecutive statements. The returned Post is attached to the session as already persistent:
changes made to it afterwards (the demo's backdating) are flushed as usual.

`_statement` is built once per shape from the code (`functools.cache`), not process state.
"""

import functools
from typing import Any

from sqlalchemy import BigInteger, String, bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from app.outbox.models import Activity
from app.outbox.types import PostCreated
from app.outbox.write import mark_added, row_values
from app.posts.models import Post, PostMention, PostTopic

_ACTIVITY_COLUMNS = ("type", "actor_id", "group_id", "comment_id", "subject_user_id", "payload", "created_at")


async def insert_post(session: AsyncSession, values: dict[str, Any], topics: list[str], mentioned: list[int]) -> Post:
    """Insert the post (`values`: every column but the id), its topics and mentioned member ids, and its
    `post.created` activity; returns the persistent Post."""
    activity = row_values(PostCreated(actor_id=values["author_id"], post_id=0, group_id=values["group_id"],
                                      kind=values["kind"], mentions=tuple(mentioned)))  # post_id: the new row's
    if session.get_bind().dialect.name == "postgresql":
        params = {**values, **{f"activity_{name}": activity[name] for name in _ACTIVITY_COLUMNS},
                  "topics": topics, "mentioned": mentioned}
        post_id = int(await session.scalar(_statement(bool(topics), bool(mentioned)), params))
    else:
        post_id = int(await session.scalar(insert(Post).returning(Post.id), values))  # type: ignore[arg-type]
        if topics:
            await session.execute(insert(PostTopic), [{"post_id": post_id, "topic": t} for t in topics])
        if mentioned:
            await session.execute(insert(PostMention), [{"post_id": post_id, "user_id": u} for u in mentioned])
        await session.execute(insert(Activity), {**activity, "post_id": post_id})
    mark_added(session)
    post = Post(id=post_id, **values)
    make_transient_to_detached(post)
    session.add(post)
    return post


@functools.cache
def _statement(topics: bool, mentioned: bool) -> Any:
    """Built once per shape, values bound at execution: building it per post (each value coerced into a bound
    parameter) cost a sixth of a web worker's time under a burst of posts."""
    posts = Post.__table__.c
    new = (insert(Post).values({c.name: bindparam(c.name, type_=c.type) for c in posts if c.name != "id"})
           .returning(Post.id).cte("new_post"))
    stmt = select(new.c.id)
    if topics:
        each = func.unnest(bindparam("topics", type_=ARRAY(String)))
        stmt = stmt.add_cte(insert(PostTopic).from_select(["post_id", "topic"], select(new.c.id, each))
                            .cte("new_topics"))
    if mentioned:
        each = func.unnest(bindparam("mentioned", type_=ARRAY(BigInteger)))
        stmt = stmt.add_cte(insert(PostMention).from_select(["post_id", "user_id"], select(new.c.id, each))
                            .cte("new_mentions"))
    activities = Activity.__table__.c
    row = [bindparam(f"activity_{name}", type_=activities[name].type) for name in _ACTIVITY_COLUMNS]
    return stmt.add_cte(insert(Activity).from_select([*_ACTIVITY_COLUMNS, "post_id"], select(*row, new.c.id))
                        .cte("new_activity"))
