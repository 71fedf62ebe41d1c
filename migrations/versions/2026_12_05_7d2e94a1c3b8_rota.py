"""A team's weekly rota: its reminder day and time and the week turns start from (rotas), and per
task the people who take turns, in order (rota_turns).

Revision ID: 7d2e94a1c3b8
Revises: 5d2a8c41e7b3
Create Date: 2026-12-05 16:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2e94a1c3b8'
down_revision = '5d2a8c41e7b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rotas',
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('remind_day', sa.String(length=9), nullable=False),
    sa.Column('remind_time', sa.String(length=5), nullable=False),
    sa.Column('start_week', sa.Date(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_rotas_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_rotas'))
    )
    op.create_table('rota_turns',
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('task', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['rotas.team_id'], name=op.f('fk_rota_turns_team_id_rotas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_rota_turns_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', 'task', 'position', name=op.f('pk_rota_turns'))
    )
    with op.batch_alter_table('rota_turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rota_turns_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rota_turns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rota_turns_user_id'))
    op.drop_table('rota_turns')
    op.drop_table('rotas')
