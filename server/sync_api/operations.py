"""Sync operations: who is syncing (:class:`ServerActor`), push, pull, conflicts, server writes.

The routes call these; so can server-side features (imports, demo data) through
:func:`write_as_server`. Engine errors become :class:`ApiError` in the foundation's shape.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime
from typing import Any, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.accounts.auth import Principal
from server.accounts.models import Device, User
from server.core.database import begin_write
from server.core.errors import ApiError, ErrorDetailSchema, not_found
from server.core import clock
from server.extensions import db
from server.organisations.access import access_for
from server.sync_api.live import Busy, Listener, live_setup
from server.sync_api.permissions import ServerActor
from server.sync_api.registry import sync_setup
from sync import SyncEngine, SyncError, format_hlc

#: Server clients get a stable device id per user: uuid5(this namespace, user id).
SERVER_CLIENT_NAMESPACE = uuid.UUID("6f1f9a52-4c0b-4f53-9a8e-6a1d3c2b7e10")
SERVER_CLIENT_NAME = "Valueboard server"


def engine() -> SyncEngine:
    return sync_setup().engine


def actor_for(user: User | Principal, device_id: str, *, server_writes: bool = False) -> ServerActor:
    """The caller as the engine sees them, from ``access_for(user)``, computed once per request.

    Its team sets come from the access rules: readable and writable are the teams the caller
    reads (admins: every team; coaches write there only what a collection lets them, such as
    measures), member the teams whose everyday records they write, lead the teams they manage.
    Collections' policies ask ``actor.access`` itself (:mod:`server.sync_api.permissions`).
    ``server_writes``: the server itself writes (:func:`write_as_server`), see ``sync.Actor``."""
    access = access_for(user)
    teams = access.readable_team_ids()
    return ServerActor(user.id, device_id, readable_team_ids=teams, writable_team_ids=teams,
                       lead_team_ids=frozenset(t for t in teams if access.can_manage(t)),
                       member_team_ids=frozenset(t for t in teams if access.can_write(t)), access=access,
                       server_writes=server_writes)


def documented_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """The extra error keys the API's error schema documents (``expected_id``, ``fields``, ...).

    The engine adds ``supported`` (426) and ``max_mutations`` (413) too; they go out as soon as
    ``server.core.errors.ErrorDetailSchema`` lists them (clients must not depend on them before)."""
    known = ErrorDetailSchema().fields
    return {key: value for key, value in extra.items() if key in known}


def api_error(err: SyncError) -> ApiError:
    headers = {"Retry-After": "5"} if err.status == 503 else None
    return ApiError(err.status, err.code, err.message, extra=documented_extra(err.extra), headers=headers)


def push(user: User | Principal, device_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Apply a device's push (see docs/sync-protocol.md); commits. Raises :class:`ApiError`."""
    try:
        _, result = engine().push(actor_for(user, device_id), body)
    except SyncError as err:
        raise api_error(err) from None
    return result


def pull(user: User | Principal, device_id: str, cursor: Optional[str], limit: Optional[int]) -> dict[str, Any]:
    try:
        return engine().pull(actor_for(user, device_id), cursor, limit)
    except SyncError as err:
        raise api_error(err) from None


def conflicts(user: User | Principal, device_id: str, team_id: str, since: Optional[str]) -> dict[str, Any]:
    try:
        return engine().conflicts(actor_for(user, device_id), team_id, since)
    except SyncError as err:
        raise api_error(err) from None


def listen(user: User | Principal, device_id: str, team_id: Optional[str]) -> Listener:
    """Open a live-updates stream for the teams the caller reads (or just ``team_id``). The teams are
    fixed for the stream's life, which ``LIVE_STREAM_SECONDS`` bounds: a lost team or a revoked token
    takes effect when the device reconnects."""
    teams = access_for(user).readable_team_ids()
    if team_id is not None:
        if team_id not in teams:
            raise not_found("team")
        teams = frozenset((team_id,))
    try:
        return live_setup().hub.subscribe(teams, device_id)
    except Busy:
        raise ApiError(503, "live_busy", "Live updates are busy on this server; changes still arrive on the next sync.",
                       headers={"Retry-After": "30"}) from None


# --------------------------------------------------------------------------------------------
# writes from the server itself
# --------------------------------------------------------------------------------------------
def server_client_id(user: User) -> str:
    return str(uuid.uuid5(SERVER_CLIENT_NAMESPACE, user.id))


def _ensure_server_device(user: User) -> str:
    device_id = server_client_id(user)
    conn = db.session.connection()
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    now = clock.now()
    conn.execute(insert(Device.__table__).values(
        id=device_id, user_id=user.id, name=SERVER_CLIENT_NAME,
        # no token can ever match: a hash of random bytes nobody keeps, and revoked from birth
        token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        created_at=now, last_seen_at=None, revoked_at=now,
    ).on_conflict_do_nothing(index_elements=["id"]))
    return device_id


def write_as_server(user: User, mutations: Sequence[dict[str, Any]], *, batch_size: int = 500,
                    written_at: datetime | None = None) -> list[dict[str, Any]]:
    """Write synced records from the server (a CSV import, demo data) under exactly a device's rules.

    ``mutations`` are ``{"collection", "record_id", "op": "upsert" | "delete", "fields"?}``
    without ``id`` or ``hlc``: this function numbers them and stamps them with the current
    time. They go through the engine as ``user``'s *server client*, so validation, ``user``'s
    permissions, field-level merge (a server write is "now", so it beats older values, which go
    to the conflict log), tombstones and the rejected-mutations log all apply as for a device.
    One difference: a new record may have a name-based (uuid5) id in any collection, because the
    server derives the ids it writes from the right team (an adopted idea's, demo data's), where a
    device could only squat another team's (``sync.Collection.check_new_id``).
    Devices receive the changes on their next pull like any other.

    The server client is a device row named "Valueboard server" whose id is derived from the
    user id (:func:`server_client_id`); it is revoked from birth, so no token can use it, and
    it shows in the user's device list as signed out.

    Transactions: each batch of ``batch_size`` (≤ 500) mutations is one transaction that holds
    the server client's lock from numbering to commit, so concurrent server writes for one user
    queue rather than collide. Each batch **commits** (and so does anything already pending in
    ``db.session``); if one fails, earlier batches stay applied.

    ``written_at`` stamps the writes as made at that (past) moment instead of now, for history
    recorded after the fact (demo data): the engine still keeps the server client's hlcs rising, so
    write such batches oldest first.

    Returns one result per mutation, in order: ``{"id", "status": "applied" | "rejected",
    "error"?}``. Raises :class:`ApiError` (503 ``sync_unavailable``) if the database is
    unavailable: nothing of that batch was applied.
    """
    if not 1 <= batch_size <= 500:
        raise ValueError("batch_size must be 1-500")
    setup = sync_setup()
    eng, store = setup.engine, setup.engine.store
    results: list[dict[str, Any]] = []
    for start in range(0, len(mutations), batch_size):
        batch = mutations[start:start + batch_size]
        session = db.session()
        try:
            begin_write(session)
            device_id = _ensure_server_device(user)
            actor = actor_for(user, device_id, server_writes=True)
            last = store.hold_client(device_id, user.id)
        except BaseException as exc:
            session.rollback()
            if isinstance(exc, sa.exc.OperationalError):
                raise ApiError(503, "sync_unavailable", "The sync store is unavailable; try again shortly.",
                               headers={"Retry-After": "5"}) from exc
            raise
        at_ms = eng.clock_ms() if written_at is None else int(written_at.timestamp() * 1000)
        stamp = format_hlc(at_ms, 0, device_id)  # the engine keeps each one above the last
        body = {
            "client_id": device_id,
            "schema_version": max(eng.schema_versions),
            "mutations": [{**dict(m), "id": last + 1 + n, "hlc": stamp} for n, m in enumerate(batch)],
        }
        try:
            _, response = eng.push(actor, body)
        except BaseException as exc:
            if session.in_transaction():
                session.rollback()
            if isinstance(exc, SyncError):
                raise api_error(exc) from None
            raise
        results.extend(response["results"])
    return results
