"""auth_sessions: sliding page sessions (idle_seconds, max_expires_at)

A page session is renewed while the member is active: `expires_at` moves forward by `idle_seconds`, never past
`max_expires_at` (12 hours, or 30 days with "keep me signed in"). Existing rows are API-like: not renewed.

Revision ID: 353c488b391c
Revises: a8bbb541cf66
Create Date: 2026-12-07 16:20:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '353c488b391c'
down_revision: str | None = 'a8bbb541cf66'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('idle_seconds', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('max_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_column('max_expires_at')
        batch_op.drop_column('idle_seconds')
