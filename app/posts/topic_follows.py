"""Followed topics: a member follows `#topic`, and the posts tagged with it that they may see join their home feed
(app.feed.service adds the condition to the home statement). Following is not visibility: the feed still applies
the one rule, so a secret group's posts on a followed topic stay in the secret group."""

from sqlalchemy import BigInteger, Integer, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.errors import Conflict, Invalid
from app.markdown import normalize_topic
from app.permissions import Actor
from app.posts.models import TopicFollow
from app.posts.schemas import FollowedTopic
from app.schemas import cursor_str, decode_cursor, encode_cursor

# Each followed topic is a key the home feed's statement looks up: a bound keeps that statement cheap.
MAX_FOLLOWED_TOPICS = 200


def topic_name(raw: str) -> str:
    """The topic as posts store it (`#Lancement` → `lancement`); 422 when it is not a topic (same rule as #tags)."""
    name = normalize_topic(raw) if len(raw) <= 61 else None
    if name is None:
        raise Invalid("Invalid topic: 1 to 60 letters, digits, '_' or '-'")
    return name


async def follow_topic(session: AsyncSession, actor: Actor, topic: str) -> None:
    """Idempotent; 409 past MAX_FOLLOWED_TOPICS."""
    name = topic_name(topic)
    if await is_following(session, actor, name):
        return
    count = await session.scalar(select(func.count()).where(TopicFollow.user_id == actor.user_id))
    if (count or 0) >= MAX_FOLLOWED_TOPICS:
        raise Conflict(f"You already follow {MAX_FOLLOWED_TOPICS} topics; unfollow one first")
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    await session.execute(
        insert(TopicFollow).values(user_id=actor.user_id, topic=name, created_at=utcnow()).on_conflict_do_nothing()
    )


async def unfollow_topic(session: AsyncSession, actor: Actor, topic: str) -> None:
    name = topic_name(topic)
    await session.execute(delete(TopicFollow).where(TopicFollow.user_id == actor.user_id, TopicFollow.topic == name))


# Built once: the home page's sidebar lists the member's topics on every request, and building a statement costs
# more than running it. "" sorts before every topic: the first page starts after it.
_T = TopicFollow.__table__.c
_FOLLOWING = select(_T.topic).where(_T.user_id == bindparam("user", type_=BigInteger), _T.topic == bindparam("topic"))
_PAGE = (
    select(_T.topic, _T.created_at)
    .where(_T.user_id == bindparam("user", type_=BigInteger), _T.topic > bindparam("after"))
    .order_by(_T.topic)
    .limit(bindparam("limit", type_=Integer))
)


async def is_following(session: AsyncSession, actor: Actor, name: str) -> bool:
    """`name`: a normalized topic (`topic_name`)."""
    return await session.scalar(_FOLLOWING, {"user": actor.user_id, "topic": name}) is not None


async def followed_topics(
    session: AsyncSession, actor: Actor, *, cursor: str | None = None, limit: int = 20
) -> tuple[list[FollowedTopic], str | None]:
    """The topics I follow, by name (keyset on the name: the primary key's order)."""
    after = cursor_str(decode_cursor(cursor), "t") or ""
    rows = list(await session.execute(_PAGE, {"user": actor.user_id, "after": after, "limit": limit + 1}))
    next_cursor = encode_cursor({"t": rows[limit - 1][0]}) if len(rows) > limit else None
    return [FollowedTopic(topic=topic, followed_at=at) for topic, at in rows[:limit]], next_cursor
