"""The schema comes only from migrations: they build the models' schema exactly, and undo cleanly."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

import server.models  # noqa: F401  (every table on the metadata)
from server.extensions import db
from server.migrations_support import compare_options


def test_migrated_schema_equals_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts=compare_options())
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_to_base_removes_everything_and_upgrade_rebuilds(app):
    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()
    upgrade()
    assert set(db.metadata.tables) <= set(sa.inspect(db.engine).get_table_names())


def test_compacting_record_hlcs_keeps_every_field_hlc_and_owner_and_undoes(app, make_team):
    """Revision a7d2c9e4b1f0 rewrites stored records (one shared hlc plus exceptions): a record stored
    before it reads back identically after it, through the store, and the downgrade restores the rows."""
    from server.sync_api.models import SyncRecord

    team = make_team()
    created, edited = "2026-11-20T10:00:00.000Z-0000-dev-ann", "2026-11-20T11:00:00.000Z-0003-dev-bob"
    old_row = {"collection": "capacity_entries", "record_id": "r1", "team_id": team.id, "user_id": "u-ann",
               "created_at": "2026-11-20T10:00:00.000Z", "updated_at": "2026-11-20T11:00:00.000Z", "version": 2,
               "deleted": False, "deleted_hlc": None,
               "data": {"kind": "time_lost", "minutes": 45, "note": "hoist"},
               "hlcs": {"kind": created, "minutes": edited, "note": created},
               "owners": {"kind": ["dev-ann"], "minutes": ["dev-bob"], "note": ["dev-ann", "dev-bob"]},
               "writers": {"dev-ann": "u-ann", "dev-bob": "u-bob"}}
    db.session.commit()
    downgrade(revision="5e05904f3902")
    old_table = sa.Table("sync_records", sa.MetaData(), autoload_with=db.engine)
    with db.engine.begin() as conn:
        conn.execute(old_table.insert(), [old_row])
    upgrade()

    stored = db.session.get(SyncRecord, ("capacity_entries", "r1"))
    assert (stored.hlc, stored.hlcs) == (created, {"minutes": edited})
    assert stored.owners == {"note": ["dev-ann", "dev-bob"]}
    db.session.commit()

    downgrade(revision="5e05904f3902")
    with db.engine.connect() as conn:
        row = conn.execute(sa.select(old_table)).mappings().one()
    assert (row["hlcs"], row["owners"]) == (old_row["hlcs"], old_row["owners"])
    upgrade()


def test_weekly_totals_become_synced_records_and_entries_get_their_window_key(app, make_team):
    """Revision a7c3e9f2b418: every existing weekly total becomes a ``capacity_weekly_totals`` record
    (numbered after its team's changes, written by "server"), existing entries get their window key,
    and the downgrade removes the records again."""
    from server.capacity.models import weekly_total_id
    from server.sync_api.models import SyncRecord, SyncTeam

    synced, unsynced = make_team(), make_team()  # the second has totals but no sync counter yet
    db.session.commit()
    downgrade(revision="e4b7c2a9d150")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO sync_records (collection, record_id, team_id, user_id, created_at, updated_at, version, "
            "deleted, deleted_hlc, hlc, data, hlcs, owners, writers) VALUES ('capacity_entries', 'e1', :team, 'u1', "
            "'2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z', 3, false, NULL, "
            "'2026-11-20T10:00:00.000Z-0000-dev', :data, '{}', '{}', '{}')"),
            {"team": synced.id, "data": '{"kind": "meeting", "minutes": 30, "occurred_on": "2026-11-18"}'})
        conn.execute(sa.text("INSERT INTO sync_teams (team_id, version, horizon) VALUES (:team, 3, 0)"),
                     {"team": synced.id})
        conn.execute(sa.text(
            "INSERT INTO capacity_weekly_totals (team_id, week_start, kind, category, minutes, entries) VALUES "
            "(:synced, '2026-11-16', 'meeting', '', 30, 1), (:synced, '2026-11-16', 'time_lost', 'Waiting', 45, 2), "
            "(:unsynced, '2025-01-06', 'admin', '', 10, 1)"),
            {"synced": synced.id, "unsynced": unsynced.id})
    upgrade()

    db.session.expire_all()
    records = {(r.team_id, r.record_id): r for r in db.session.scalars(
        sa.select(SyncRecord).where(SyncRecord.collection == "capacity_weekly_totals"))}
    expected = {
        (synced.id, weekly_total_id(synced.id, "2026-11-16", "meeting", None)):
            {"week_start": "2026-11-16", "kind": "meeting", "category": None, "minutes": 30, "entries": 1},
        (synced.id, weekly_total_id(synced.id, "2026-11-16", "time_lost", "Waiting")):
            {"week_start": "2026-11-16", "kind": "time_lost", "category": "Waiting", "minutes": 45, "entries": 2},
        (unsynced.id, weekly_total_id(unsynced.id, "2025-01-06", "admin", None)):
            {"week_start": "2025-01-06", "kind": "admin", "category": None, "minutes": 10, "entries": 1},
    }
    assert {key: rec.data for key, rec in records.items()} == expected
    assert {rec.user_id for rec in records.values()} == {"server"} and not any(r.deleted for r in records.values())
    assert sorted(r.version for r in records.values() if r.team_id == synced.id) == [4, 5]  # after the team's 3
    assert db.session.get(SyncTeam, synced.id).version == 5 and db.session.get(SyncTeam, unsynced.id).version == 1
    assert db.session.get(SyncRecord, ("capacity_entries", "e1")).window_key == "2026-11-18"
    db.session.commit()

    downgrade(revision="e4b7c2a9d150")
    with db.engine.connect() as conn:
        left = conn.execute(sa.text("SELECT collection FROM sync_records")).scalars().all()
    assert left == ["capacity_entries"]
    upgrade()
