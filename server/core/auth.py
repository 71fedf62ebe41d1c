"""What every view needs to know about the caller; the token checks live in ``server.accounts.auth``."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Sequence

import sqlalchemy as sa
from flask import g

from server.core.database import driver_sql
from server.core.errors import ApiError

if TYPE_CHECKING:
    from server.accounts.models import Device, User


def public(view):
    """Marks a view that needs no token; every other ``/api/`` view does (secure by default)."""
    view._public = True
    # Tell the OpenAPI document too, so clients and fuzzers know no token is needed here.
    apidoc = getattr(view, "_apidoc", {})
    apidoc.setdefault("manual_doc", {})["security"] = []
    view._apidoc = apidoc
    return view


@dataclass(frozen=True)
class Principal:
    """Who is calling, as access checks (``access_for``) need it: without loading the ORM ``User``."""

    id: str
    role: str


class Session:
    """The caller of a request. The token lookup reads only the ids and the role (one Core query:
    the ORM lookup of both rows cost 0.4 ms, a sixth of a small sync push); ``user`` and ``device``
    load the ORM objects on first use, in the request's database session."""

    __slots__ = ("user_id", "device_id", "principal", "_user", "_device")

    def __init__(self, *, user_id: str, device_id: str, role: str) -> None:
        self.user_id = user_id
        self.device_id = device_id
        self.principal = Principal(user_id, role)
        self._user: "User | None" = None
        self._device: "Device | None" = None

    @property
    def user(self) -> "User":
        if self._user is None:
            self._user = self._load("User", self.user_id)
        return self._user

    @property
    def device(self) -> "Device":
        if self._device is None:
            self._device = self._load("Device", self.device_id)
        return self._device

    @staticmethod
    def _load(model: str, id: str):
        from server.accounts import models
        from server.extensions import db

        row = db.session.get(getattr(models, model), id)
        if row is None:  # deleted since the token was checked
            raise unauthorized("This sign-in is no longer valid; sign in again.")
        return row


def caller_rows(statement: sa.Select | sa.CompoundSelect, params: Mapping[str, Any]) -> Sequence[tuple]:
    """The rows of a read about the caller (the token's device and user, the user's teams), with
    ``statement`` built once and ``params`` plain values the driver takes as they are.

    On the request's transaction if it has one. Otherwise on SQLite it runs outside any
    transaction, as one statement on a pooled connection: a sync push then starts its only
    transaction with ``BEGIN IMMEDIATE`` instead of first committing a read transaction opened
    for these reads (a commit, a second ``BEGIN`` and a second pool checkout: ~0.2 ms of a
    10-record push). PostgreSQL keeps them in the request's transaction, which a push continues.
    """
    from server.extensions import db

    session = db.session()
    engine = session.get_bind()
    if session.in_transaction() or engine.dialect.name != "sqlite":
        return session.connection().execute(statement, params).all()
    sql, defaults, processors = _sqlite_form(statement, engine.dialect)
    if defaults:
        params = {**defaults, **params}
    dbapi_error = engine.dialect.loaded_dbapi.Error
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    except dbapi_error as exc:  # as SQLAlchemy raises it (OperationalError: a 503)
        raise sa.exc.DBAPIError.instance(sql, params, exc, dbapi_error) from exc
    finally:
        connection.close()
    if not any(processors):
        return rows
    return [tuple(value if process is None else process(value) for process, value in zip(processors, row))
            for row in rows]


@functools.lru_cache(maxsize=16)
def _sqlite_form(statement: sa.Select | sa.CompoundSelect, dialect: sa.Dialect
                 ) -> tuple[str, dict[str, Any], list[Optional[Callable[[Any], Any]]]]:
    """``statement`` as SQL with named parameters, the values written into it (``sa.literal``),
    and its columns' result processors (text to aware datetimes, integers to booleans), as
    ``Connection.execute`` would apply them."""
    sql, defaults = driver_sql(statement, dialect)
    processors = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                  for column in statement.selected_columns]
    return sql, defaults, processors


def unauthorized(message: str = "Sign in to do that.") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def current_session() -> Session:
    return g.session
