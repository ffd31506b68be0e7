"""saved posts, followed topics, and the indexes of "who reacted"

`saved_posts`: a member's list, newest saved first (keyset on `(user_id, id)`); `topic_follows`: its primary key
`(user_id, topic)` is the home feed's lookup of the viewer's topics; `reactions (post_id, id)` and
`(comment_id, id)`: who reacted, a page at a time.

Revision ID: 8ec60b126904
Revises: b2efdabcccda
Create Date: 2026-12-07 16:10:05.484842+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8ec60b126904'
down_revision: str | None = 'b2efdabcccda'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('topic_follows',
    sa.Column('user_id', BigId, nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_topic_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'topic', name=op.f('pk_topic_follows'))
    )
    op.create_table('saved_posts',
    sa.Column('id', BigId, nullable=False),
    sa.Column('user_id', BigId, nullable=False),
    sa.Column('post_id', BigId, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_saved_posts_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_posts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_posts')),
    sa.UniqueConstraint('user_id', 'post_id', name=op.f('uq_saved_posts_user_id_post_id'))
    )
    with op.batch_alter_table('saved_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_posts_post_id'), ['post_id'], unique=False)
        batch_op.create_index('ix_saved_posts_user_id_id', ['user_id', 'id'], unique=False)

    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.create_index('ix_reactions_comment_id_id', ['comment_id', 'id'], unique=False)
        batch_op.create_index('ix_reactions_post_id_id', ['post_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reactions', schema=None) as batch_op:
        batch_op.drop_index('ix_reactions_post_id_id')
        batch_op.drop_index('ix_reactions_comment_id_id')

    with op.batch_alter_table('saved_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_saved_posts_user_id_id')
        batch_op.drop_index(batch_op.f('ix_saved_posts_post_id'))

    op.drop_table('saved_posts')
    op.drop_table('topic_follows')
