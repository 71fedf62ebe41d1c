"""``server.sync_api.driver``: statements run on the driver's cursor behave like ``Connection.execute``,
rows are read by name, and ``Bulk`` writes with each column's own type on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.capacity.models import CapacityWeeklyTotal
from server.extensions import db
from server.sync_api.driver import Bulk, Query, in_list
from server.sync_api.models import SyncTeam

T = SyncTeam.__table__
W = CapacityWeeklyTotal.__table__


@pytest.fixture
def conn(app, team_world):
    connection = db.session.connection()
    yield connection
    db.session.rollback()


def test_statement_values_lists_and_rows_by_name(conn, team_world):
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    create = Query(insert(T).values(team_id=sa.bindparam("team_id"), version=7, horizon=0)
                   .on_conflict_do_nothing(index_elements=["team_id"]))
    select = Query(sa.select(T.c.team_id, T.c.version).where(in_list(T.c.team_id, "ids",
                                                                      pg=conn.dialect.name == "postgresql"))
                   .order_by(T.c.team_id))
    team_id = team_world.team.id
    conn.execute(T.delete().where(T.c.team_id == team_id))
    assert create.run(conn, [{"team_id": team_id}]) == 1  # ``version=7`` is written into the statement
    rows = select.rows(conn, {"ids": [team_id]})
    assert rows == [(team_id, 7)] and (rows[0].team_id, rows[0].version) == (team_id, 7)
    assert select.rows(conn, {"ids": [team_id, "nope", "nada"]}) == [(team_id, 7)]
    assert select.rows(conn, {"ids": []}) == []
    assert Query(T.delete().where(T.c.team_id == sa.bindparam("team_id"))).run(conn, {"team_id": team_id}) == 1


def test_driver_errors_are_sqlalchemy_errors(conn, team_world):
    insert = Query(T.insert().values(team_id=sa.bindparam("team_id"), version=0, horizon=0))
    conn.execute(T.delete().where(T.c.team_id == team_world.team.id))
    insert.run(conn, {"team_id": team_world.team.id})
    with pytest.raises(sa.exc.IntegrityError):
        insert.run(conn, {"team_id": team_world.team.id})


def test_bulk_insert_errors_are_sqlalchemy_errors(conn, team_world):
    # On PostgreSQL a bulk insert is a COPY: its errors too must be SQLAlchemy's, which the store
    # turns into 503 (a lost connection, a concurrent insert of the same key)
    row = {"team_id": team_world.team.id, "week_start": "2026-11-16", "kind": "meeting", "category": "",
           "minutes": 1, "entries": 1}
    insert = Bulk.insert(W, list(row))
    insert.execute(conn, [row])
    with pytest.raises(sa.exc.IntegrityError):
        insert.execute(conn, [row])


def test_bulk_inserts_updates_and_adds_with_the_columns_own_types(conn, team_world):
    team = team_world.team.id
    key = ("team_id", "week_start", "kind", "category")
    rows = [{"team_id": team, "week_start": "2026-11-16", "kind": "meeting", "category": c, "minutes": 30,
             "entries": 1} for c in ("", "Waiting")]
    Bulk.insert(W, [*key, "minutes", "entries"]).execute(conn, rows)
    Bulk.add(W, key, ("minutes", "entries")).execute(conn, [  # one existing bucket grows, one is new
        {**rows[0], "minutes": 15, "entries": 2}, {**rows[0], "kind": "admin", "minutes": 5, "entries": 1}])
    Bulk.update(W, key, ("minutes",)).execute(conn, [
        {**{f"b_{k}": rows[1][k] for k in key}, "minutes": 99}])
    got = {(r.kind, r.category): (r.week_start, r.minutes, r.entries)
           for r in conn.execute(sa.select(W).where(W.c.team_id == team))}
    week = dt.date(2026, 11, 16)
    assert got == {("meeting", ""): (week, 45, 3), ("meeting", "Waiting"): (week, 99, 1), ("admin", ""): (week, 5, 1)}


@pytest.mark.postgres_only
def test_bulk_never_cuts_a_text_that_is_too_long_for_its_column(conn, team_world):
    # Arrays are cast to text, not to varchar(n): an explicit cast to varchar(n) would cut the value
    too_long = W.c.category.type.length + 1
    row = {"team_id": team_world.team.id, "week_start": "2026-11-16", "kind": "meeting", "category": "x" * too_long,
           "minutes": 1, "entries": 1}
    with pytest.raises(sa.exc.DataError):
        Bulk.add(W, ("team_id", "week_start", "kind", "category"), ("minutes", "entries")).execute(conn, [row])
