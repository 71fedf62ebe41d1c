"""``Raw``: per-push statements run on the driver's cursor behave like ``Connection.execute``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.extensions import db
from server.sync_api.bulk import Raw
from server.sync_api.models import SyncTeam

T = SyncTeam.__table__


@pytest.fixture
def conn(app, team_world):
    connection = db.session.connection()
    yield connection
    db.session.rollback()


def test_statement_values_expanding_lists_and_arrays(conn, team_world):
    pg = conn.dialect.name == "postgresql"
    insert = pg_insert if pg else sqlite_insert
    create = Raw(insert(T).values(team_id=sa.bindparam("team_id"), version=7, horizon=0)
                 .on_conflict_do_nothing(index_elements=["team_id"]))
    if pg:
        from sqlalchemy.dialects import postgresql
        where = T.c.team_id == sa.any_(sa.bindparam("ids", type_=postgresql.ARRAY(sa.String)))
    else:
        where = T.c.team_id.in_(sa.bindparam("ids", expanding=True))
    select = Raw(sa.select(T.c.team_id, T.c.version).where(where).order_by(T.c.team_id))
    team_id = team_world.team.id
    conn.execute(T.delete().where(T.c.team_id == team_id))
    create.execute(conn, [{"team_id": team_id}])  # ``version=7`` is written into the statement
    assert select.execute(conn, {"ids": [team_id]}) == [(team_id, 7)]
    assert select.execute(conn, {"ids": [team_id, "nope", "nada"]}) == [(team_id, 7)]
    assert select.execute(conn, {"ids": []}) == []


def test_driver_errors_are_sqlalchemy_errors(conn, team_world):
    insert = Raw(T.insert().values(team_id=sa.bindparam("team_id"), version=0, horizon=0))
    conn.execute(T.delete().where(T.c.team_id == team_world.team.id))
    insert.execute(conn, {"team_id": team_world.team.id})
    with pytest.raises(sa.exc.IntegrityError):
        insert.execute(conn, {"team_id": team_world.team.id})
