"""Add the sync engine's tables: records, device sync state, team change counters, the conflict log and rejected mutations.

Revision ID: 5e05904f3902
Revises: fc1c7b94f9fe
Create Date: 2026-11-26 04:56:11.278281

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e05904f3902'
down_revision = 'fc1c7b94f9fe'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sync_rejections',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('mutation_id', sa.BigInteger(), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=True),
    sa.Column('mutation', sa.JSON(), nullable=False),
    sa.Column('error', sa.JSON(), nullable=False),
    sa.Column('at', sa.String(length=24), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_rejections'))
    )
    with op.batch_alter_table('sync_rejections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_rejections_at'), ['at'], unique=False)
        batch_op.create_index('ix_sync_rejections_client_mutation', ['client_id', 'mutation_id'], unique=False)

    op.create_table('sync_conflicts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('collection', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.String(length=128), nullable=False),
    sa.Column('field', sa.Text(), nullable=False),
    sa.Column('kept_value', sa.JSON(), nullable=True),
    sa.Column('kept_hlc', sa.String(length=100), nullable=True),
    sa.Column('lost_value', sa.JSON(), nullable=True),
    sa.Column('lost_hlc', sa.String(length=100), nullable=False),
    sa.Column('lost_by_user_id', sa.String(length=36), nullable=True),
    sa.Column('lost_by_client_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_sync_conflicts_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflicts'))
    )
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_sync_conflicts_team_at', ['team_id', 'at'], unique=False)

    op.create_table('sync_devices',
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('last_mutation_id', sa.BigInteger(), nullable=False),
    sa.Column('last_hlc', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['devices.id'], name=op.f('fk_sync_devices_client_id_devices'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sync_devices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_sync_devices'))
    )
    with op.batch_alter_table('sync_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_devices_user_id'), ['user_id'], unique=False)

    op.create_table('sync_records',
    sa.Column('collection', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.String(length=128), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=24), nullable=False),
    sa.Column('updated_at', sa.String(length=24), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_hlc', sa.String(length=100), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('hlcs', sa.JSON(), nullable=False),
    sa.Column('owners', sa.JSON(), nullable=False),
    sa.Column('writers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_sync_records_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('collection', 'record_id', name=op.f('pk_sync_records'))
    )
    with op.batch_alter_table('sync_records', schema=None) as batch_op:
        batch_op.create_index('ix_sync_records_team_version', ['team_id', 'version'], unique=False)

    op.create_table('sync_teams',
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('horizon', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_sync_teams_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_sync_teams'))
    )


def downgrade():
    op.drop_table('sync_teams')
    with op.batch_alter_table('sync_records', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_records_team_version')

    op.drop_table('sync_records')
    with op.batch_alter_table('sync_devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_devices_user_id'))

    op.drop_table('sync_devices')
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_conflicts_team_at')

    op.drop_table('sync_conflicts')
    with op.batch_alter_table('sync_rejections', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_rejections_client_mutation')
        batch_op.drop_index(batch_op.f('ix_sync_rejections_at'))

    op.drop_table('sync_rejections')
