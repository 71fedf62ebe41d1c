"""A "share in report" mark on huddle notes and ideas: the highlights a team's leads and coaches choose
for the bi-monthly board report. Existing notes and ideas are not shared (false).

Revision ID: 5a7e21c9d4b3
Revises: 7d2e94a1c3b8
Create Date: 2026-12-05 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a7e21c9d4b3'
down_revision = '7d2e94a1c3b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('huddle_notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_in_report', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_in_report', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_column('share_in_report')
    with op.batch_alter_table('huddle_notes', schema=None) as batch_op:
        batch_op.drop_column('share_in_report')
