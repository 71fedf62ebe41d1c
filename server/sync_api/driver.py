"""Statements compiled once and run straight on the database driver: the sync store's and projectors' SQL.

For the sync store and the projectors only (everything else uses SQLAlchemy as usual). Their
statements run hundreds of times a second, and ``Connection.execute`` spends 20-35 µs of SQLAlchemy
work on each (a 10-record push runs about ten) and several µs per row of an ``executemany``, against
2-3 µs for the driver itself. So each statement is compiled once per dialect and run on the driver's
cursor of the connection it is given, inside that connection's transaction:

* :class:`Query`: one statement; returns its rows, read by name (a named tuple per row, its fields
  the statement's column names), or for a write its row count. A parameter given a list is an
  ``IN`` list on SQLite (``expanding``) and an array on PostgreSQL (``= ANY``): see :func:`in_list`.
* :class:`Bulk`: many rows written at once; on SQLite through the driver's ``executemany``, on
  PostgreSQL as ``COPY`` (inserts: three times faster than an insert per row here) or one statement
  over ``unnest`` of typed arrays (updates, upserts). Each array's type is the column's own, read
  from the ``Table``.

Values go to the driver as they are (no bind processing): text, numbers, booleans, JSON as text,
and dates and times as text in their storage form (:func:`db_date`, :func:`db_time`). Rows come
back as the driver gives them (no result processing): select plain columns, or cast to text.
Driver errors are raised as SQLAlchemy's :class:`~sqlalchemy.exc.DBAPIError` subclasses, as
``execute`` would, and a lost connection is invalidated.
"""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache
from typing import Any, Literal, Sequence

import sqlalchemy as sa
from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

_POSTGRESQL = postgresql.dialect()


def driver_sql(statement: sa.Executable, dialect: sa.Dialect) -> tuple[str, dict[str, Any]]:
    """``statement`` compiled for the driver's own cursor (named parameters on SQLite, the dialect's
    style elsewhere), and the values SQLAlchemy writes into it (``version=0``, ``sa.literal``) that
    must be passed along."""
    if dialect.name == "sqlite":
        dialect = type(dialect)(paramstyle="named")
    compiled = statement.compile(dialect=dialect)
    defaults = {compiled.bind_names[bind]: bind.effective_value for bind in compiled.binds.values()
                if not bind.required}
    return str(compiled), defaults


def in_list(column: sa.ColumnElement, name: str, *, pg: bool) -> sa.ColumnElement:
    """``column IN (the list given as parameter name)``: on PostgreSQL one array parameter
    (``= ANY``) rather than hundreds of placeholders."""
    if pg:  # strings as varchar without a length: a cast to varchar(n) would cut longer ones to match
        item = sa.String() if isinstance(column.type, sa.String) else column.type
        return column == sa.any_(bindparam(name, type_=postgresql.ARRAY(item)))
    return column.in_(bindparam(name, expanding=True))


class Query:
    """One statement (named bind parameters), compiled once per dialect, run on the driver."""

    def __init__(self, statement: sa.Executable, *, row: Any = None) -> None:
        """``row``: a named tuple class for the rows (its fields the statement's column names);
        by default one is made from them."""
        self.statement = statement
        if isinstance(statement, sa.Select):
            names = list(statement.selected_columns.keys())
        else:  # a write, perhaps with RETURNING
            names = [c["name"] for c in getattr(statement, "returning_column_descriptions", ())]
        if row is not None and list(row._fields) != names:
            raise ValueError(f"{row.__name__} has fields {row._fields}, the statement's columns are {names}")
        self.row = row or (namedtuple("Row", names) if names else None)  # type: ignore[misc]
        self._sql: dict[str, str] = {}
        self._defaults: dict[str, dict[str, Any]] = {}
        self._expanded: dict[tuple, str] = {}

    def rows(self, conn: sa.Connection, params: dict[str, Any]) -> list[Any]:
        """The statement's rows, each a named tuple of its columns."""
        found = _run(conn, *self._prepared(conn, params))
        return list(map(self.row._make, found)) if found else []  # type: ignore[union-attr]

    def run(self, conn: sa.Connection, params: dict[str, Any] | Sequence[dict[str, Any]]) -> int:
        """Run a write with one dict of parameters, or once per dict of a list (``executemany``);
        returns the number of rows it changed."""
        if isinstance(params, dict):
            return _run(conn, *self._prepared(conn, params), count=True)
        sql = self._compiled(conn)
        defaults = self._defaults[conn.dialect.name]
        rows = [{**defaults, **row} for row in params] if defaults else params
        return _run(conn, sql, rows, many=True)

    def _compiled(self, conn: sa.Connection) -> str:
        name = conn.dialect.name
        sql = self._sql.get(name)
        if sql is None:
            sql, self._defaults[name] = driver_sql(self.statement, conn.dialect)
            self._sql[name] = sql
            if name != "sqlite" and "POSTCOMPILE" in sql:
                raise ValueError("an expanding parameter on PostgreSQL: use in_list (an array) instead")
        return sql

    def _prepared(self, conn: sa.Connection, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        sql = self._compiled(conn)
        defaults = self._defaults[conn.dialect.name]
        if defaults:
            params = {**defaults, **params}
        if conn.dialect.name != "sqlite":
            return sql, params
        lists = [(k, v) for k, v in params.items() if isinstance(v, (list, tuple))]
        if not lists:
            return sql, params
        # SQLite: an expanding parameter becomes one placeholder per item (rendered once per length)
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


class Bulk:
    """Many rows of ``table`` written at once (see the module's docstring). Build one with
    :meth:`insert`, :meth:`update` or :meth:`add`; each row is a dict of parameter names."""

    def __init__(self, table: sa.Table, mode: Literal["insert", "update", "add"], columns: Sequence[str],
                 key: Sequence[str] = ()) -> None:
        self.table, self.mode, self.columns, self.key = table, mode, tuple(columns), tuple(key)
        # update: rows name their key columns b_<column> (SQLAlchemy keeps a column's own name for SET)
        self.names = [f"b_{k}" for k in self.key] + list(self.columns) if mode == "update" else list(self.columns)
        self._sqlite: str | None = None
        self._pg: str | None = None

    @classmethod
    def insert(cls, table: sa.Table, columns: Sequence[str]) -> "Bulk":
        """Insert rows of ``columns``."""
        return cls(table, "insert", columns)

    @classmethod
    def update(cls, table: sa.Table, key: Sequence[str], columns: Sequence[str]) -> "Bulk":
        """Set ``columns`` of the rows whose ``key`` columns match ``b_<key>``."""
        return cls(table, "update", columns, key)

    @classmethod
    def add(cls, table: sa.Table, key: Sequence[str], columns: Sequence[str]) -> "Bulk":
        """Insert rows of ``key`` and ``columns``, or add ``columns`` to the row of the same ``key``."""
        return cls(table, "add", [*key, *columns], key)

    def execute(self, conn: sa.Connection, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        if conn.dialect.name != "postgresql":
            _run(conn, self._sqlite_sql(conn), rows, many=True)
        elif self.mode == "insert":
            names = self.names
            copy_sql = f"COPY {self._quoted(self.table.name)} ({', '.join(self._quoted(c) for c in self.columns)}) FROM STDIN"
            dbapi_connection = conn.connection.dbapi_connection
            with dbapi_connection.cursor() as cursor:
                try:
                    with cursor.copy(copy_sql) as copy:
                        for row in rows:
                            copy.write_row([row[name] for name in names])
                except conn.dialect.loaded_dbapi.Error as exc:
                    # As from any other statement: a connection lost mid-COPY (a database restart) must
                    # reach the store as SQLAlchemy's error, which it answers with 503, not 500
                    raise _sqlalchemy_error(conn, copy_sql, None, exc, dbapi_connection, cursor) from exc
        else:  # one round trip for all rows: one typed array per column
            _run(conn, self._pg_sql(), tuple([row[name] for row in rows] for name in self.names))

    def _sqlite_sql(self, conn: sa.Connection) -> str:
        if self._sqlite is None:
            t = self.table
            if self.mode == "update":
                statement: sa.Executable = t.update().where(
                    *[t.c[k] == bindparam(f"b_{k}") for k in self.key]
                ).values({c: bindparam(c) for c in self.columns})
            elif self.mode == "insert":
                statement = t.insert().values({c: bindparam(c) for c in self.columns})
            else:
                upsert = sqlite_insert(t).values({c: bindparam(c) for c in self.columns})
                statement = upsert.on_conflict_do_update(
                    index_elements=[t.c[k] for k in self.key],
                    set_={c: t.c[c] + upsert.excluded[c] for c in self.columns if c not in self.key})
            self._sqlite, _ = driver_sql(statement, conn.dialect)
        return self._sqlite

    def _pg_sql(self) -> str:
        if self._pg is None:
            q = self._quoted
            column_of = {f"b_{k}": k for k in self.key} if self.mode == "update" else {}
            arrays = ", ".join(f"%s::{_pg_type(self.table.c[column_of.get(n, n)])}[]" for n in self.names)
            source = f"unnest({arrays}) AS v({', '.join(q(n) for n in self.names)})"
            table = q(self.table.name)
            if self.mode == "update":
                sets = ", ".join(f"{q(c)} = v.{q(c)}" for c in self.columns)
                match = " AND ".join(f"t.{q(k)} = v.{q('b_' + k)}" for k in self.key)
                self._pg = f"UPDATE {table} AS t SET {sets} FROM {source} WHERE {match}"
            else:
                targets = ", ".join(q(c) for c in self.columns)
                sums = ", ".join(f"{q(c)} = t.{q(c)} + excluded.{q(c)}" for c in self.columns if c not in self.key)
                self._pg = (f"INSERT INTO {table} AS t ({targets}) SELECT {', '.join('v.' + q(c) for c in self.columns)}"
                            f" FROM {source} ON CONFLICT ({', '.join(q(k) for k in self.key)}) DO UPDATE SET {sums}")
        return self._pg

    @staticmethod
    def _quoted(name: str) -> str:
        return _POSTGRESQL.identifier_preparer.quote(name)


def _pg_type(column: sa.Column) -> str:
    """The PostgreSQL type of ``column`` for casting an array of parameters: the column's own type,
    but text for strings: an explicit cast to ``varchar(n)`` would silently cut a value that is too
    long, which the column itself refuses."""
    if isinstance(column.type, sa.String):
        return "text"
    return column.type.compile(dialect=_POSTGRESQL)


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


def _run(conn: sa.Connection, sql: str, params: Any, *, many: bool = False, count: bool = False) -> Any:
    """``sql`` in the driver's own parameter style, on a cursor of ``conn``'s driver connection (in
    its transaction): the rows it returns, or with ``many`` / ``count`` the rows it changed. Errors as
    :meth:`sqlalchemy.engine.Connection.execute` raises them."""
    dbapi_connection = conn.connection.dbapi_connection
    cursor = dbapi_connection.cursor()
    try:
        if many:
            cursor.executemany(sql, params)
            return cursor.rowcount
        cursor.execute(sql, params)
        if count:
            return cursor.rowcount
        return cursor.fetchall() if cursor.description is not None else []
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _sqlalchemy_error(conn, sql, params, exc, dbapi_connection, cursor) from exc
    finally:
        cursor.close()


def _sqlalchemy_error(conn: sa.Connection, sql: str, params: Any, exc: Exception, dbapi_connection: Any,
                      cursor: Any) -> sa.exc.DBAPIError:
    """The driver's error as :meth:`sqlalchemy.engine.Connection.execute` raises it, the connection
    invalidated if it was lost (the pool then discards it)."""
    invalidated = conn.dialect.is_disconnect(exc, dbapi_connection, cursor)
    if invalidated:
        conn.invalidate(exc)
    return sa.exc.DBAPIError.instance(sql, params, exc, conn.dialect.loaded_dbapi.Error,
                                      connection_invalidated=invalidated)
