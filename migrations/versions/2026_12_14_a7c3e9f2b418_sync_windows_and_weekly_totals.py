"""Sync windows and synced weekly totals: ``sync_records.window_key`` holds a windowed collection's
window field (a capacity entry's ``occurred_on``) so pulls leave out what devices no longer keep, and
every existing weekly total becomes a record of the read-only collection ``capacity_weekly_totals``
(from now on the server writes them in the push that changes the entries they sum).

Revision ID: a7c3e9f2b418
Revises: e4b7c2a9d150
Create Date: 2026-12-14 10:00:00

"""
import json
import uuid
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f2b418'
down_revision = 'e4b7c2a9d150'
branch_labels = None
depends_on = None

# As server/capacity/models.py had them when this was written (a migration never follows later code).
WEEKLY_TOTAL_NAMESPACE = uuid.UUID("9d3e6b1a-4c2f-4e8b-b7a5-1f0c8d2e6a93")
TOTALS = "capacity_weekly_totals"
SERVER = "server"


def upgrade():
    op.add_column('sync_records', sa.Column('window_key', sa.String(length=32), nullable=True))
    bind = op.get_bind()
    occurred_on = ("data->>'occurred_on'" if bind.dialect.name == "postgresql"
                   else "json_extract(data, '$.occurred_on')")
    op.execute(f"UPDATE sync_records SET window_key = {occurred_on} WHERE collection = 'capacity_entries'")

    now = datetime.now(timezone.utc)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    hlc = f"{stamp}-0000-{SERVER}"
    totals = bind.execute(sa.text(
        "SELECT team_id, week_start, kind, category, minutes, entries FROM capacity_weekly_totals "
        "WHERE entries > 0 ORDER BY team_id, week_start, kind, category")).all()
    counters = {row.team_id: row.version for row in bind.execute(sa.text("SELECT team_id, version FROM sync_teams"))}
    records = []
    for row in totals:
        week = row.week_start if isinstance(row.week_start, str) else row.week_start.isoformat()
        version = counters.get(row.team_id, 0) + 1
        counters[row.team_id] = version
        records.append({
            "collection": TOTALS,
            "record_id": str(uuid.uuid5(WEEKLY_TOTAL_NAMESPACE, f"{row.team_id}/{week}/{row.kind}/{row.category}")),
            "team_id": row.team_id, "user_id": SERVER, "created_at": stamp, "updated_at": stamp,
            "version": version, "hlc": hlc,
            "data": json.dumps({"week_start": week, "kind": row.kind, "category": row.category or None,
                                "minutes": row.minutes, "entries": row.entries}, separators=(",", ":")),
            "writers": json.dumps({SERVER: SERVER}),
        })
    if records:
        insert = sa.text(
            "INSERT INTO sync_records (collection, record_id, team_id, user_id, created_at, updated_at, version, "
            "deleted, deleted_hlc, hlc, data, hlcs, owners, writers) VALUES (:collection, :record_id, :team_id, "
            ":user_id, :created_at, :updated_at, :version, false, NULL, :hlc, :data, '{}', '{}', :writers)")
        for start in range(0, len(records), 5000):
            bind.execute(insert, records[start:start + 5000])
        touched = {r["team_id"] for r in records}
        existing = set(bind.execute(sa.text("SELECT team_id FROM sync_teams")).scalars())
        for team_id in sorted(touched):
            params = {"team_id": team_id, "version": counters[team_id]}
            if team_id in existing:
                bind.execute(sa.text("UPDATE sync_teams SET version = :version WHERE team_id = :team_id"), params)
            else:
                bind.execute(sa.text("INSERT INTO sync_teams (team_id, version, horizon) VALUES (:team_id, :version, 0)"),
                             params)


def downgrade():
    # The totals stay in capacity_weekly_totals; their synced copies go (devices that pulled them keep
    # them until they next start from an empty cursor).
    op.execute(f"DELETE FROM sync_records WHERE collection = '{TOTALS}'")
    op.drop_column('sync_records', 'window_key')
