"""user directory keys: accent-folded name, department and search text

Revision ID: 4ca6a629f028
Revises: 79a7f55a4e09
Create Date: 2026-11-22 23:17:58.361431+00:00
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '4ca6a629f028'
down_revision: str | None = '79a7f55a4e09'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fold(text: str | None) -> str:
    # A copy of app.text.fold as of this revision: migrations never import the app.
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('department_key', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_key', sa.Text(), server_default='', nullable=False))
        batch_op.create_index('ix_users_name_key_id', ['name_key', 'id'], unique=False)

    # Backfill existing accounts (a handful of rows at the time: one pass is enough).
    users = sa.table(
        'users', sa.column('id', sa.Integer()), sa.column('display_name', sa.String()), sa.column('handle', sa.String()),
        sa.column('title', sa.String()), sa.column('department', sa.String()), sa.column('name_key', sa.String()),
        sa.column('department_key', sa.String()), sa.column('search_key', sa.Text()),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(users.c.id, users.c.display_name, users.c.handle, users.c.title, users.c.department))
    for row in rows.all():
        conn.execute(
            users.update().where(users.c.id == row.id).values(
                name_key=_fold(row.display_name)[:200],
                department_key=_fold(row.department)[:200],
                search_key=" ".join(_fold(p) for p in (row.display_name, row.handle, row.title) if p),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_name_key_id')
        batch_op.drop_column('search_key')
        batch_op.drop_column('department_key')
        batch_op.drop_column('name_key')
