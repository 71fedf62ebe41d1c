"""Boards and teams can be archived (``archived_at``): they keep their history but are no longer
listed, synced to new devices or counted in fidelity, the caseload and the board views; and an index
on users (name, id) for the people search, which pages through everyone in that order.

Revision ID: e4b7c2a9d150
Revises: 7d3a91c4e5b2
Create Date: 2026-12-12 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b7c2a9d150'
down_revision = '7d3a91c4e5b2'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE (SQLite 3.35+ adds and drops columns in place): a batch would copy and drop
    # "boards", which teams reference, and SQLite refuses that once there is data.
    op.add_column('boards', sa.Column('archived_at', sa.DateTime(), nullable=True))
    op.add_column('teams', sa.Column('archived_at', sa.DateTime(), nullable=True))
    op.create_index('ix_users_name_id', 'users', ['name', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_users_name_id', table_name='users')
    op.drop_column('teams', 'archived_at')
    op.drop_column('boards', 'archived_at')
