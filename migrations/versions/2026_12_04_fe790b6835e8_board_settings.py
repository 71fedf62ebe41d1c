"""Add the read table of each team's board settings (the aim for each box-score area).

Revision ID: fe790b6835e8
Revises: a7d2c9e4b1f0
Create Date: 2026-12-04 16:35:15.874434

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fe790b6835e8'
down_revision = 'a7d2c9e4b1f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_settings',
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('aim_performance', sa.String(length=500), nullable=True),
    sa.Column('aim_capacity', sa.String(length=500), nullable=True),
    sa.Column('aim_cost', sa.String(length=500), nullable=True),
    sa.Column('aim_staff_experience', sa.String(length=500), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_board_settings_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_board_settings'))
    )


def downgrade():
    op.drop_table('board_settings')
