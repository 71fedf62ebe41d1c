"""Notes of coaching conversations between a coach and a team (what was discussed, next steps, the
date of the next one), read by the team's leads and coaches.

Revision ID: c0a4e7d19b62
Revises: 1276b5b2ffb5
Create Date: 2026-12-05 13:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a4e7d19b62'
down_revision = '1276b5b2ffb5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coaching_notes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('coach_id', sa.String(length=36), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('discussed', sa.String(length=8000), nullable=False),
    sa.Column('next_steps', sa.String(length=8000), nullable=True),
    sa.Column('next_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['coach_id'], ['users.id'], name=op.f('fk_coaching_notes_coach_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_coaching_notes_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coaching_notes'))
    )
    with op.batch_alter_table('coaching_notes', schema=None) as batch_op:
        batch_op.create_index('ix_coaching_notes_team_held_on', ['team_id', 'held_on'], unique=False)


def downgrade():
    with op.batch_alter_table('coaching_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_coaching_notes_team_held_on')
    op.drop_table('coaching_notes')
