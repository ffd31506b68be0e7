"""outbox_epoch: which history the activity ids count in

A restored database's activity ids start again below those clients saw; `ruche restore` gives it a new epoch and a
socket reconnecting from another epoch is told to reload (app/outbox/epoch.py).

Revision ID: 4e7a9c2b1d05
Revises: 353c488b391c
Create Date: 2026-12-07 16:40:00.000000+00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4e7a9c2b1d05'
down_revision: str | None = '353c488b391c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        'outbox_epoch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('epoch', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_epoch')),
    )
    op.bulk_insert(table, [{'id': 1, 'epoch': secrets.token_hex(8)}])


def downgrade() -> None:
    op.drop_table('outbox_epoch')
