"""activities: index on (type, id)

Every signed-in request reads the newest `group.created` and `group.updated` activity ids to know whether its
process's list of public groups is current (app.groups.public); with this index each is an index-only lookup.

Revision ID: 7c1d2e4f6a80
Revises: 3b8e5f1c2a90
Create Date: 2026-11-23 02:15:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7c1d2e4f6a80'
down_revision: str | None = '3b8e5f1c2a90'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_type_id', ['type', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_type_id')
