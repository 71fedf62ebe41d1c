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
    with op.batch_alter_table('boards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_name_id', ['name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_name_id')
    with op.batch_alter_table('teams', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    with op.batch_alter_table('boards', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
