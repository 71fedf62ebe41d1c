"""Statements compiled once and run straight on the database driver, for the sync hot paths.

SQLAlchemy Core spends several microseconds per row of an ``executemany`` on parameter processing,
and psycopg sends an ``executemany`` row by row. For the few statements that write hundreds of rows
per push (records and their projections) a :class:`Bulk` statement runs:

* on SQLite: the Core statement, compiled once, through the driver's ``executemany`` with plain dicts;
* on PostgreSQL: inserts through ``COPY ... FROM STDIN`` (three times faster than an insert per row
  here); updates and upserts as one statement for all rows, ``... FROM unnest(%s::type[], ...)``.

Callers pass values the driver takes as they are: text, numbers, booleans, JSON as text, and
dates/times as text in the column's storage form (:func:`db_date`, :func:`db_time`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

import sqlalchemy as sa


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
            self._sqlite = str(self.statement.compile(dialect=type(conn.dialect)(paramstyle="named")))
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
        else:
            conn.exec_driver_sql(self.sqlite_sql(conn), list(rows))


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
