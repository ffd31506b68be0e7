"""idempotency_keys.comment_id: comments take an Idempotency-Key too

A retried comment (a client that lost the answer, a worker that crashed after committing) was saved twice.

Revision ID: 5c0d7e21b9a4
Revises: 8ec60b126904
Create Date: 2026-12-07 17:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5c0d7e21b9a4'
down_revision: str | None = '8ec60b126904'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_idempotency_keys_comment_id_comments'), 'comments',
                                    ['comment_id'], ['id'], ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_idempotency_keys_comment_id_comments'), type_='foreignkey')
        batch_op.drop_column('comment_id')
