"""users.time_zone; notifications listed by time

Members choose the time zone their times are shown in (null: RUCHE_DEFAULT_TIME_ZONE). Notifications carry the
time of what they tell (a backdated demo reaction is as old as the reaction), so their list is ordered and paged
by (created_at, id) per member: the index serves that keyset and the unread count.

Revision ID: e7587e6bac92
Revises: 1e7086e3316d
Create Date: 2026-12-07 16:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e7587e6bac92'
down_revision: str | None = '1e7086e3316d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id_created_at_id', ['user_id', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_id_created_at_id')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
