"""Bearer tokens: one per device, long-lived (phones stay offline for days), stored hashed, revocable.

:func:`authenticate_request` runs before every request and puts the caller (:class:`Session`) on
``flask.g``; views read it with :func:`current_session`.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, request

from server.accounts.models import Device, User
from server.core import clock
from server.core.database import begin_write
from server.core.errors import ApiError
from server.extensions import db

TOKEN_BYTES = 32
# Writing last_seen_at on every request would turn every read into a write; an hour is precise enough.
LAST_SEEN_RESOLUTION = timedelta(hours=1)
# The PWA shell and the OpenAPI document are public by nature.
PUBLIC_BLUEPRINTS = {"web", "api-docs"}


@dataclass(frozen=True)
class Principal:
    """Who is calling, as access checks (``access_for``) need it: without loading the ORM ``User``."""

    id: str
    role: str


class Session:
    """The caller of a request. The token lookup reads only the ids and the role (one Core query:
    the ORM lookup of both rows cost 0.4 ms, a sixth of a small sync push); ``user`` and ``device``
    load the ORM objects on first use, in the request's database session."""

    __slots__ = ("user_id", "device_id", "principal", "must_change_password", "_user", "_device")

    def __init__(self, *, user_id: str, device_id: str, role: str, must_change_password: bool = False) -> None:
        self.user_id = user_id
        self.device_id = device_id
        self.must_change_password = must_change_password
        self.principal = Principal(user_id, role)
        self._user: User | None = None
        self._device: Device | None = None

    @property
    def user(self) -> User:
        if self._user is None:
            self._user = self._load(User, self.user_id)
        return self._user

    @property
    def device(self) -> Device:
        if self._device is None:
            self._device = self._load(Device, self.device_id)
        return self._device

    @staticmethod
    def _load(model: type[User] | type[Device], id: str):
        row = db.session.get(model, id)
        if row is None:  # deleted since the token was checked
            raise unauthorized("This sign-in is no longer valid; sign in again.")
        return row


def current_session() -> Session:
    return g.session


def unauthorized(message: str = "Sign in to do that.") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough, and a stolen table reveals no usable token.
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def _token_query() -> sa.Select:
    # Built once: runs on every API request, and building it cost as much as running it. Core, not
    # the ORM: only these columns are needed, and loading two ORM objects cost 0.4 ms per request.
    d, u = Device.__table__, User.__table__
    return sa.select(d.c.id, d.c.created_at, d.c.last_seen_at, d.c.revoked_at, u.c.id.label("user_id"), u.c.role,
                     u.c.active, u.c.must_change_password).join(u, d.c.user_id == u.c.id).where(d.c.token_hash == sa.bindparam("token_hash"))


@functools.cache
def _touch_device() -> sa.Update:
    d = Device.__table__
    return d.update().where(d.c.id == sa.bindparam("device_id")).values(last_seen_at=sa.bindparam("now"))


def session_for_token(token: str) -> Session | None:
    found = _lookup(token)
    return None if found is None else found[0]


def _lookup(token: str) -> tuple[Session, datetime | None] | None:
    """The session for a valid token, with its device's ``last_seen_at``; read in the request's transaction."""
    row = db.session.connection().execute(_token_query(), {"token_hash": hash_token(token)}).first()
    if row is None or row.revoked_at is not None or not row.active:
        return None
    idle_limit = timedelta(days=current_app.config["TOKEN_IDLE_DAYS"])
    if clock.now() - (row.last_seen_at or row.created_at) > idle_limit:
        return None
    return (Session(user_id=row.user_id, device_id=row.id, role=row.role,
                    must_change_password=row.must_change_password), row.last_seen_at)


def authenticate_request() -> None:
    """Runs before every request; ``/api/`` views need a valid token unless marked ``@public``.

    The token is read in the request's ordinary (read) transaction, also for a sync push: on SQLite
    the push then ends it and takes the write lock (``BEGIN IMMEDIATE``), so the lock is held for
    the push alone. Reading the token inside the write lock instead made the p99 of 32 clients
    pushing at once about 60 % worse (bench/sync_throughput.py, measured side by side)."""
    if not request.path.startswith("/api/") or request.routing_exception is not None:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.blueprint in PUBLIC_BLUEPRINTS or getattr(view, "_public", False):
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    found = _lookup(token.strip())
    if found is None:
        raise unauthorized("This sign-in is no longer valid; sign in again.")
    g.session, last_seen_at = found
    if g.session.must_change_password and not getattr(view, "_open_before_password_change", False):
        raise ApiError(403, "password_change_required",
                       "Choose a new password first: the one you signed in with was set by an administrator.")
    now = clock.now()
    if last_seen_at is None or now - last_seen_at > LAST_SEEN_RESOLUTION:
        session = db.session()  # the session itself: ``scoped_session`` has no ``in_transaction``
        # A short write of its own that, on SQLite, takes the write lock up front: upgrading the
        # token lookup's read transaction fails at once (SQLITE_BUSY, no waiting) if another
        # worker wrote in between, which concurrent pushes from new devices make likely.
        begin_write(session)
        session.connection().execute(_touch_device(), {"device_id": g.session.device_id, "now": now})
        session.commit()


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Paths that take the lock themselves, later: a sync push for the push alone (see above), a sign-in
# after checking the password (argon2 takes tens of milliseconds nobody should wait behind).
# Changing a password or accepting an invitation likewise, after hashing the new password.
TAKE_THE_LOCK_THEMSELVES = ("/api/sync/", "/api/auth/", "/api/me/password", "/api/invitations/")


def writes_take_the_lock() -> None:
    """Runs after :func:`authenticate_request`: a request that writes takes SQLite's write lock before
    its first read. A deferred transaction that reads and then writes fails at once ("database is
    locked", no waiting) when another connection wrote in between, as a device's sync often does
    while an admin saves something; taking the lock first makes it queue instead."""
    if (request.method in WRITE_METHODS and request.path.startswith("/api/")
            and not request.path.startswith(TAKE_THE_LOCK_THEMSELVES)):
        begin_write(db.session())
