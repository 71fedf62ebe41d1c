"""Statements compiled once and run straight on the database driver, for the sync hot paths.

SQLAlchemy Core spends several microseconds per row of an ``executemany`` on parameter processing,
and psycopg sends an ``executemany`` row by row. For the few statements that write hundreds of rows
per push (records and their projections) a :class:`Bulk` statement runs:

* on SQLite: the Core statement, compiled once, through the driver's ``executemany`` with plain dicts
  (on the driver's cursor, :func:`run_on_driver`);
* on PostgreSQL: inserts through ``COPY ... FROM STDIN`` (three times faster than an insert per row
  here); updates and upserts as one statement for all rows, ``... FROM unnest(%s::type[], ...)``.

Callers pass values the driver takes as they are: text, numbers, booleans, JSON as text, and
dates/times as text in the column's storage form (:func:`db_date`, :func:`db_time`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import sqlalchemy as sa

from server.core.database import driver_sql


class Bulk:
    """``statement`` (named bind parameters) for SQLite; for PostgreSQL ``table`` with ``columns``
    (parameter name -> (column, PostgreSQL type)) written by ``mode``:

    * ``"insert"``: insert the rows;
    * ``"update"``: update the rows whose ``keys`` (parameter names of key columns) match;
    * ``"upsert"``: insert, or on a conflict on ``keys`` apply ``on_conflict`` (an SQL ``SET`` list).
    """

    def __init__(self, statement: sa.Executable, *, table: str, columns: dict[str, tuple[str, str]],
                 mode: str = "insert", keys: Sequence[str] = (), on_conflict: str = "") -> None:
        self.statement = statement
        self.names = list(columns)
        self.pg = self._postgresql(table, columns, mode, list(keys), on_conflict)
        self.copy = (f"COPY {table} ({', '.join(column for column, _ in columns.values())}) FROM STDIN"
                     if mode == "insert" else None)
        self._sqlite: str | None = None

    @staticmethod
    def _postgresql(table: str, columns: dict[str, tuple[str, str]], mode: str, keys: list[str],
                    on_conflict: str) -> str:
        arrays = ", ".join(f"%s::{pg_type}[]" for _, pg_type in columns.values())
        alias = ", ".join(columns)
        source = f"unnest({arrays}) AS v({alias})"
        if mode == "update":
            sets = ", ".join(f"{column} = v.{name}::{pg_type}" for name, (column, pg_type) in columns.items()
                             if name not in keys)
            match = " AND ".join(f"t.{columns[k][0]} = v.{k}" for k in keys)
            return f"UPDATE {table} AS t SET {sets} FROM {source} WHERE {match}"
        targets = ", ".join(column for column, _ in columns.values())
        values = ", ".join(f"v.{name}::{pg_type}" for name, (_, pg_type) in columns.items())
        sql = f"INSERT INTO {table} AS t ({targets}) SELECT {values} FROM {source}"
        if mode == "upsert":
            sql += f" ON CONFLICT ({', '.join(columns[k][0] for k in keys)}) DO UPDATE SET {on_conflict}"
        return sql

    def sqlite_sql(self, conn: sa.Connection) -> str:
        if self._sqlite is None:
            self._sqlite, _ = driver_sql(self.statement, conn.dialect)
        return self._sqlite

    def execute(self, conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        if conn.dialect.name == "postgresql":
            if self.copy is not None:
                names = self.names
                with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(self.copy) as copy:
                    for row in rows:
                        copy.write_row([row[name] for name in names])
            else:  # one round trip for all rows; JSON travels as text and is cast per element
                conn.exec_driver_sql(self.pg, tuple([row[name] for row in rows] for name in self.names))
        else:  # straight on the driver: exec_driver_sql costs ~20 us of SQLAlchemy work per call
            run_on_driver(conn, self.sqlite_sql(conn), rows, many=True)


def db_date(iso_date: str) -> str:
    """A ``YYYY-MM-DD`` date as a DATE parameter: SQLAlchemy stores SQLite dates in this form, and
    PostgreSQL casts it."""
    return iso_date


@lru_cache(maxsize=1024)  # a push stamps all its records with one time: convert it once
def db_time(engine_time: str, dialect: str) -> str:
    """The engine's ``2026-11-26T10:15:30.123Z`` as a naive-UTC DATETIME parameter (``UTCDateTime``):
    SQLAlchemy's SQLite storage form ``2026-11-26 10:15:30.123000``, or text PostgreSQL casts."""
    text = engine_time[:10] + " " + engine_time[11:23]
    return text + "000" if dialect == "sqlite" else text


class Raw:
    """A statement compiled once per dialect and run straight on the driver's cursor: the per-push
    statements of the sync store (device, record and team locks, counters, the logs).

    Going through ``Connection.execute`` costs 20-35 us of SQLAlchemy work per statement, the
    driver call 2-3 us; a 10-record push runs about ten such statements. ``statement`` must use
    named bind parameters; a parameter passed a list on SQLite must be ``expanding`` (an ``IN``
    list, rendered once per list length) and on PostgreSQL an array. Rows come back as the driver
    gives them (no result processing: use plain column types, or cast to text). Driver errors are
    raised as SQLAlchemy's :class:`~sqlalchemy.exc.DBAPIError` subclasses, as ``execute`` would,
    and a lost connection is invalidated.
    """

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._sql: dict[str, str] = {}
        self._defaults: dict[str, dict[str, Any]] = {}  # values written into the statement (``version=0``)
        self._expanded: dict[tuple, str] = {}

    def _compiled(self, conn: sa.Connection) -> str:
        name = conn.dialect.name
        sql = self._sql.get(name)
        if sql is None:
            sql, self._defaults[name] = driver_sql(self.statement, conn.dialect)
            self._sql[name] = sql
            if name != "sqlite" and "POSTCOMPILE" in sql:
                raise ValueError("an expanding parameter on PostgreSQL: pass an array instead")
        return sql

    def _sqlite_params(self, sql: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        lists = [(k, v) for k, v in params.items() if isinstance(v, (list, tuple))]
        if not lists:
            return sql, params
        key = tuple((k, len(v)) for k, v in lists)
        expanded = self._expanded.get(key)
        if expanded is None:
            expanded = sql
            for k, v in lists:
                names = ", ".join(f":{k}_{i}" for i in range(len(v))) or "NULL"
                expanded = expanded.replace(f"(__[POSTCOMPILE_{k}])", f"({names})")
            self._expanded[key] = expanded
        flat = {k: v for k, v in params.items() if not isinstance(v, (list, tuple))}
        for k, v in lists:
            flat.update({f"{k}_{i}": item for i, item in enumerate(v)})
        return expanded, flat

    def execute(self, conn: sa.Connection, params: dict[str, Any] | Sequence[dict[str, Any]]) -> list[tuple]:
        """Run with one dict of parameters (returns the rows, if any) or a list of dicts (``executemany``)."""
        sql = self._compiled(conn)
        many = not isinstance(params, dict)
        defaults = self._defaults[conn.dialect.name]
        if defaults:
            params = [{**defaults, **row} for row in params] if many else {**defaults, **params}
        if not many and conn.dialect.name == "sqlite":
            sql, params = self._sqlite_params(sql, params)
        return run_on_driver(conn, sql, params, many=many)


def run_on_driver(conn: sa.Connection, sql: str, params: Any, *, many: bool = False) -> list[tuple]:
    """``sql`` in the driver's own parameter style, on a cursor of ``conn``'s driver connection (in
    its transaction). Errors as :meth:`sqlalchemy.engine.Connection.execute` raises them."""
    dbapi_connection = conn.connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    try:
        if many:
            cursor.executemany(sql, params)
            return []
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description is not None else []
    except conn.dialect.loaded_dbapi.Error as exc:
        invalidated = conn.dialect.is_disconnect(exc, dbapi_connection, cursor)
        if invalidated:
            conn.invalidate(exc)
        raise sa.exc.DBAPIError.instance(sql, params, exc, conn.dialect.loaded_dbapi.Error,
                                         connection_invalidated=invalidated) from exc
    finally:
        cursor.close()
