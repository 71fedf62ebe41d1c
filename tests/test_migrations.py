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
