"""Sign-in throttling tells a person's own devices from a guesser's: ``devices.key_hash`` holds the
hash of the key the browser sends at sign-in, and ``login_failures.device_id`` the known device a
failed try came from (issue 17).

Revision ID: f1a6d3c8b702
Revises: a7c3e9f2b418
Create Date: 2026-12-16 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1a6d3c8b702'
down_revision = 'a7c3e9f2b418'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('devices', sa.Column('key_hash', sa.String(length=64), nullable=True))
    op.add_column('login_failures', sa.Column('device_id', sa.String(length=36), nullable=True))


def downgrade():
    op.drop_column('login_failures', 'device_id')
    op.drop_column('devices', 'key_hash')
