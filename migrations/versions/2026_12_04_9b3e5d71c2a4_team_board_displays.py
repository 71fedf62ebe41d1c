"""Board displays: a team's ward TV signs in on an account of its own ("display" role) that reads the team.

Revision ID: 9b3e5d71c2a4
Revises: b3e8d51c7a20
Create Date: 2026-12-04 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b3e5d71c2a4'
down_revision = 'b3e8d51c7a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), "role IN ('admin', 'coach', 'staff', 'display')")
    op.create_table('team_displays',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('team_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_displays_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_displays_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_team_displays')),
    sa.UniqueConstraint('team_id', name=op.f('uq_team_displays_team_id'))
    )


def downgrade():
    op.drop_table('team_displays')
    # Display accounts exist only with that table; their devices go with them.
    op.execute("DELETE FROM users WHERE role = 'display'")
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), "role IN ('admin', 'coach', 'staff')")
