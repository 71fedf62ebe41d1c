"""Add the read tables of huddles and their notes, ideas and their moves between statuses, PDSA cycles and actions.

Revision ID: 3f094e1a5ad8
Revises: fe790b6835e8
Create Date: 2026-12-04 17:16:58.876725

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f094e1a5ad8'
down_revision = 'fe790b6835e8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('actions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('owner_user_id', sa.String(length=36), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('huddle_id', sa.String(length=36), nullable=True),
    sa.Column('idea_id', sa.String(length=36), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_actions_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_team_status_due', ['team_id', 'status', 'due_on'], unique=False)

    op.create_table('huddle_notes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('huddle_id', sa.String(length=36), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_huddle_notes_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_huddle_notes'))
    )
    with op.batch_alter_table('huddle_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_huddle_notes_huddle_id'), ['huddle_id'], unique=False)

    op.create_table('huddles',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendee_count', sa.Integer(), nullable=False),
    sa.Column('manager_present', sa.Boolean(), nullable=False),
    sa.Column('finance_present', sa.Boolean(), nullable=False),
    sa.Column('facilitator_user_id', sa.String(length=36), nullable=True),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_huddles_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_huddles'))
    )
    with op.batch_alter_table('huddles', schema=None) as batch_op:
        batch_op.create_index('ix_huddles_team_held_on', ['team_id', 'held_on'], unique=False)

    op.create_table('idea_moves',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('idea_id', sa.String(length=36), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('moved_by', sa.String(length=36), nullable=True),
    sa.Column('moved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_idea_moves_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_moves'))
    )
    with op.batch_alter_table('idea_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idea_moves_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index('ix_idea_moves_team_moved_at', ['team_id', 'moved_at'], unique=False)

    op.create_table('ideas',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('pick', sa.String(length=10), nullable=True),
    sa.Column('measure_ids', sa.JSON(), nullable=False),
    sa.Column('huddle_id', sa.String(length=36), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_ideas_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ideas'))
    )
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index('ix_ideas_team_status', ['team_id', 'status'], unique=False)

    op.create_table('pdsa_cycles',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('idea_id', sa.String(length=36), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('do', sa.Text(), nullable=True),
    sa.Column('study', sa.Text(), nullable=True),
    sa.Column('act', sa.String(length=8), nullable=True),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pdsa_cycles_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdsa_cycles'))
    )
    with op.batch_alter_table('pdsa_cycles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pdsa_cycles_idea_id'), ['idea_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pdsa_cycles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pdsa_cycles_idea_id'))

    op.drop_table('pdsa_cycles')
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_team_status')

    op.drop_table('ideas')
    with op.batch_alter_table('idea_moves', schema=None) as batch_op:
        batch_op.drop_index('ix_idea_moves_team_moved_at')
        batch_op.drop_index(batch_op.f('ix_idea_moves_idea_id'))

    op.drop_table('idea_moves')
    with op.batch_alter_table('huddles', schema=None) as batch_op:
        batch_op.drop_index('ix_huddles_team_held_on')

    op.drop_table('huddles')
    with op.batch_alter_table('huddle_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_huddle_notes_huddle_id'))

    op.drop_table('huddle_notes')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_team_status_due')

    op.drop_table('actions')
