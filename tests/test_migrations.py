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
