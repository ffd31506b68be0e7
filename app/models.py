"""Imports every domain's models so Alembic and relationships see the whole schema."""

from app.groups.models import Group, GroupMembership
from app.notifications.models import Notification, NotificationSetting
from app.outbox.models import Activity, OutboxCursor
from app.posts.models import Comment, IdempotencyKey, Post, PostMention, PostTopic, Reaction
from app.users.models import AuthSession, Follow, User, UserSkill

__all__ = [
    "Activity", "AuthSession", "Comment", "Follow", "Group", "GroupMembership", "IdempotencyKey",
    "Post", "PostMention", "PostTopic", "Reaction", "User", "UserSkill",
    "Notification", "NotificationSetting", "OutboxCursor",
]
