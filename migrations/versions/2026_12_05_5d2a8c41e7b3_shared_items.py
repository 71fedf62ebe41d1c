"""Items a team shares with every other team (an adopted change or a case study), each a draft
inside the team until one of its leads consents.

Revision ID: 5d2a8c41e7b3
Revises: c0a4e7d19b62
Create Date: 2026-12-05 16:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2a8c41e7b3'
down_revision = 'c0a4e7d19b62'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shared_items',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('board_id', sa.String(length=36), nullable=False),
    sa.Column('service', sa.String(length=120), nullable=True),
    sa.Column('idea_id', sa.String(length=36), nullable=True),
    sa.Column('measure_id', sa.String(length=36), nullable=True),
    sa.Column('measure_name', sa.String(length=480), nullable=True),
    sa.Column('title', sa.String(length=800), nullable=False),
    sa.Column('text', sa.String(length=16000), nullable=True),
    sa.Column('author_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('consented_by', sa.String(length=36), nullable=True),
    sa.Column('consented_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_shared_items_author_id_users')),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_shared_items_board_id_boards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consented_by'], ['users.id'], name=op.f('fk_shared_items_consented_by_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_shared_items_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shared_items'))
    )
    with op.batch_alter_table('shared_items', schema=None) as batch_op:
        batch_op.create_index('ix_shared_items_consented_at', ['consented_at'], unique=False)
        batch_op.create_index('ix_shared_items_team_created', ['team_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('shared_items', schema=None) as batch_op:
        batch_op.drop_index('ix_shared_items_team_created')
        batch_op.drop_index('ix_shared_items_consented_at')
    op.drop_table('shared_items')
