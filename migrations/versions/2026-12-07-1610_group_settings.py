"""group settings: archived and deleted groups, the network settings row (who may create groups),
an index for a group's pending requests

Revision ID: b2efdabcccda
Revises: e7587e6bac92
Create Date: 2026-12-07 16:10:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b2efdabcccda'
down_revision: str | None = 'e7587e6bac92'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('network_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_creation', sa.String(length=10), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint('id = 1', name=op.f('ck_network_settings_one_row')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_network_settings_updated_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_settings'))
    )
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('group_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_group_memberships_group_id_status', ['group_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('group_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_group_memberships_group_id_status')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('archived_at')
    op.drop_table('network_settings')
