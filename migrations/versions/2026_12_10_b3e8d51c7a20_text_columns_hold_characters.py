"""Text columns of the synced records hold what a person may write: lengths are now counted in
characters as people count them (grapheme clusters, up to 4 code points each), so each column is
four times its limit (server/core/schemas.py written_text).

Revision ID: b3e8d51c7a20
Revises: 3f094e1a5ad8
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e8d51c7a20'
down_revision = '3f094e1a5ad8'
branch_labels = None
depends_on = None

# table -> [(column, limit in characters, nullable)]
COLUMNS = {
    'capacity_entries': [('category', 80, True), ('note', 500, True)],
    'capacity_weekly_totals': [('category', 80, False)],
    'time_lost_categories': [('name', 80, False)],
    'measures': [('name', 120, False), ('unit', 40, True), ('aim', 500, True), ('operational_definition', 2000, True)],
    'measure_values': [('note', 500, True)],
    'board_settings': [('aim_performance', 500, True), ('aim_capacity', 500, True), ('aim_cost', 500, True),
                       ('aim_staff_experience', 500, True)],
}


def _resize(widen: bool) -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column, limit, nullable in columns:
                wide, narrow = sa.String(length=limit * 4), sa.String(length=limit)
                batch.alter_column(column, existing_type=narrow if widen else wide, type_=wide if widen else narrow,
                                   existing_nullable=nullable)


def upgrade():
    _resize(widen=True)


def downgrade():
    # Text longer than a column's old limit in code points does not fit back: it is cut, as a
    # downgrade to a version that could not store it must.
    for table, columns in COLUMNS.items():
        for column, limit, _ in columns:
            op.execute(sa.text(f"UPDATE {table} SET {column} = substr({column}, 1, {limit}) WHERE length({column}) > {limit}"))
    _resize(widen=False)
