"""``SqlStore``: the sync engine's :class:`sync.store.Store` on SQLAlchemy Core (SQLite and PostgreSQL).

It runs on the request's ``db.session`` connection, so a push shares its transaction with the
request, and follows the locking protocol in ``sync/store.py``:

* **SQLite**: a push starts with ``BEGIN IMMEDIATE`` (:func:`server.core.database.begin_write`),
  so the whole push holds the database's single write lock from its first read; two workers
  queue on it (30 s busy timeout) instead of failing on a stale snapshot.
* **PostgreSQL**: ``SELECT ... FOR UPDATE`` on the device's sync state, then on the records
  (sorted by collection and record id), then on the team counters (sorted), each created first
  when missing. ``lock_timeout`` is 30 s, like SQLite's busy timeout.

Every operation is one statement (or one per collection / team): one ``IN`` query locks the
records, one ``executemany`` inserts the new ones and one updates the rest. JSON columns are
encoded and decoded here, in bulk, rather than value by value by the ORM: the pull and push hot
paths are dominated by that work. The per-push statements (device, record and team locks and
saves, the two logs) run on the driver's cursor (:mod:`server.sync_api.driver`): through
``Connection.execute`` their SQLAlchemy overhead cost ~0.4 ms of a 10-record push's 2.9 ms of CPU.

Database trouble (connection lost, lock timeout, a concurrent insert of the same record id)
becomes :class:`sync.StoreUnavailable`: a 503 with nothing applied, which the client retries.

After writing records, the store calls the projector registered for each changed collection
(:mod:`server.sync_api.registry`) in the same transaction, so typed read tables never disagree
with the synced records.
"""

from __future__ import annotations

import functools
import inspect
import logging
import operator
import os
import time
from collections import defaultdict
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError

from server.core.database import begin_write
from server.extensions import db
from server.sync_api.driver import Bulk, Query, in_list
from server.sync_api.encoding import dumps, dumps_log, loads_many
from server.sync_api.engine import EncodedRow, storable_text
from server.sync_api.models import SyncConflict, SyncDevice, SyncRecord, SyncRejection, SyncTeam
from sync import ConflictEntry, DeviceState, RejectedMutation, StoredRecord, StoreUnavailable, TeamState
from sync.store import WindowFilter
from sync.engine import CHANGE_KEYS
from sync.hlc import client_of, compact_hlcs, expand_hlcs
from sync.registry import RECORD_META
from sync.store import RecordKey

log = logging.getLogger(__name__)

R = SyncRecord.__table__
D = SyncDevice.__table__
T = SyncTeam.__table__
C = SyncConflict.__table__
X = SyncRejection.__table__

Projector = Callable[[sa.Connection, Sequence[StoredRecord]], None]

#: Test hook, never set in production: ``"<n>:<seconds>:<marker file>"`` makes the first push that
#: writes at least ``n`` records create the marker file (holding the worker's pid) and sleep that
#: long inside its transaction, so a test can kill the worker mid-push.
SLOW_PUSH_ENV = "VALUEBOARD_SYNC_TEST_SLOW_PUSH"

def clean_text(text: Any, max_length: int | None = None) -> Any:
    """Text as a database can store it: NUL and lone surrogates become U+FFFD."""
    if not isinstance(text, str):
        return text
    if not storable_text(text):
        text = "".join("\ufffd" if ch == "\x00" or "\ud800" <= ch <= "\udfff" else ch for ch in text)
    return text[:max_length] if max_length is not None else text


# --------------------------------------------------------------------------------------------
# Statements, built once per dialect
# --------------------------------------------------------------------------------------------
#: The columns of ``sync_records`` that a merge reads, JSON as text (:func:`_records` decodes it in bulk).
_RECORD_COLUMNS = ("collection", "record_id", "team_id", "user_id", "created_at", "updated_at", "version",
                   "deleted", "deleted_hlc", "hlc", "data", "hlcs", "owners", "writers")
#: What the store writes: the columns a merge reads, and the window key it does not need.
_WRITTEN_COLUMNS = (*_RECORD_COLUMNS, "window_key")
_JSON_COLUMNS = ("data", "hlcs", "owners", "writers")
_json_of = operator.attrgetter(*_JSON_COLUMNS)
#: What an update changes (a record's collection, id, team, author and creation never change).
_CHANGING_COLUMNS = ("updated_at", "version", "deleted", "deleted_hlc", "hlc", "data", "hlcs", "owners", "writers",
                     "window_key")


class _Statements:
    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        pg = dialect == "postgresql"
        insert = pg_insert if pg else sqlite_insert

        def json_in(name: str):
            param = bindparam(name, type_=sa.Text)
            return sa.cast(param, sa.JSON) if pg else param

        def json_out(column):
            text = sa.cast(column, sa.Text) if pg else sa.type_coerce(column, sa.Text)
            return text.label(column.name)

        self.lock_timeout = Query(sa.text("SET LOCAL lock_timeout = '30s'")) if pg else None

        # devices
        device_select = sa.select(D.c.last_mutation_id, D.c.last_hlc).where(D.c.client_id == bindparam("client_id"))
        self.device_select = Query(device_select)
        self.device_lock = Query(device_select.with_for_update())
        self.device_create = Query(insert(D).values(
            client_id=bindparam("client_id"), user_id=bindparam("user_id"), last_mutation_id=0, last_hlc=None
        ).on_conflict_do_nothing(index_elements=["client_id"]))
        self.device_save = Query(D.update().where(D.c.client_id == bindparam("b_client_id")).values(
            last_mutation_id=bindparam("last_mutation_id"), last_hlc=bindparam("last_hlc")))

        # teams
        teams_select = (sa.select(T.c.team_id, T.c.version, T.c.horizon)
                        .where(in_list(T.c.team_id, "team_ids", pg=pg)).order_by(T.c.team_id))
        self.teams_select = Query(teams_select)
        self.teams_lock = Query(teams_select.with_for_update())
        self.team_create = Query(insert(T).values(
            team_id=bindparam("team_id"), version=0, horizon=0).on_conflict_do_nothing(index_elements=["team_id"]))
        self.team_save = Query(T.update().where(T.c.team_id == bindparam("b_team_id")).values(
            version=bindparam("version"), horizon=bindparam("horizon")))
        self.team_ids = Query(sa.select(T.c.team_id).order_by(T.c.team_id))

        # records
        record_columns = [json_out(R.c[name]) if name in _JSON_COLUMNS else R.c[name] for name in _RECORD_COLUMNS]
        self.records_lock = Query(sa.select(*record_columns)
                                  .where(R.c.collection == bindparam("collection"),
                                         in_list(R.c.record_id, "record_ids", pg=pg))
                                  .order_by(R.c.collection, R.c.record_id).with_for_update())
        self.record_insert = Bulk.insert(R, _WRITTEN_COLUMNS)
        self.record_update = Bulk.update(R, ("collection", "record_id"), _CHANGING_COLUMNS)
        self._changes: dict[tuple, Query] = {}
        self.purge_tombstones = Query(R.delete().where(
            R.c.team_id == bindparam("team_id"), R.c.deleted.is_(True), R.c.updated_at < bindparam("before")
        ).returning(R.c.version))

        # logs
        self.conflict_insert = Query(C.insert().values(
            team_id=bindparam("team_id"), collection=bindparam("collection"), record_id=bindparam("record_id"),
            field=bindparam("field"), kept_value=json_in("kept_value"), kept_hlc=bindparam("kept_hlc"),
            lost_value=json_in("lost_value"), lost_hlc=bindparam("lost_hlc"),
            lost_by_user_id=bindparam("lost_by_user_id"), lost_by_client_id=bindparam("lost_by_client_id"),
            at=bindparam("at")))
        conflict_columns = (C.c.team_id, C.c.collection, C.c.record_id, C.c.field, json_out(C.c.kept_value),
                            C.c.kept_hlc, json_out(C.c.lost_value), C.c.lost_hlc, C.c.lost_by_user_id,
                            C.c.lost_by_client_id, C.c.at)
        self.conflicts = Query(sa.select(*conflict_columns).where(C.c.team_id == bindparam("team_id"))
                               .order_by(C.c.id).limit(bindparam("limit")))
        self.conflicts_since = Query(sa.select(*conflict_columns)
                                     .where(C.c.team_id == bindparam("team_id"), C.c.at >= bindparam("since"))
                                     .order_by(C.c.id).limit(bindparam("limit")))
        self.rejection_insert = Query(X.insert().values(
            client_id=bindparam("client_id"), user_id=bindparam("user_id"), mutation_id=bindparam("mutation_id"),
            team_id=bindparam("team_id"), mutation=json_in("mutation"), error=json_in("error"), at=bindparam("at")))
        self.rejections = Query(sa.select(
            X.c.client_id, X.c.user_id, X.c.mutation_id, X.c.team_id, json_out(X.c.mutation), json_out(X.c.error),
            X.c.at,
        ).where(X.c.client_id == bindparam("client_id"), in_list(X.c.mutation_id, "mutation_ids", pg=pg))
            .order_by(X.c.id))
        self.purge_conflicts = Query(C.delete().where(C.c.at < bindparam("before")))
        self.purge_rejections = Query(X.delete().where(X.c.at < bindparam("before")))

    def changes(self, skipping_tombstones: bool, windows: Sequence[WindowFilter]) -> Query:
        """A pull page's statement: a team's records in a version range, as their change's JSON text
        (:func:`change_json`), leaving out what the sync windows do not send; one statement per shape
        (which windows filter by author, which send left notices), built once."""
        shape = (skipping_tombstones, tuple((w.author is not None, w.leaving_since is not None) for w in windows))
        query = self._changes.get(shape)
        if query is None:
            query = self._changes[shape] = Query(self._changes_statement(*shape), row=EncodedRow)
        return query

    def _changes_statement(self, skipping_tombstones: bool, shape: tuple[tuple[bool, bool], ...]) -> sa.Select:
        pg = self.dialect == "postgresql"
        where = [R.c.team_id == bindparam("team_id"), R.c.version > bindparam("after"),
                 R.c.version <= bindparam("upto")]
        if skipping_tombstones:
            where.append(sa.or_(R.c.deleted.is_(False), R.c.version > bindparam("skip")))
        left_conditions = []
        for i, (by_author, notices) in enumerate(shape):
            ours, kept, inside = _window_terms(i, by_author)
            if notices:
                left = sa.and_(ours, *kept, sa.not_(inside), R.c.created_at <= bindparam(f"w{i}_since"))
                left_conditions.append(left)
                where.append(sa.or_(sa.not_(ours), sa.and_(*kept, inside), left))
            else:
                where.append(sa.or_(sa.not_(ours), sa.and_(*kept, inside)))
        json = change_json(pg)
        if left_conditions:
            json = sa.case((sa.or_(*left_conditions), left_json(pg)), else_=json)
        return (sa.select(R.c.version, json.label("json")).where(*where).order_by(R.c.version)
                .limit(bindparam("limit")))

    def count_live(self, windows: Sequence[WindowFilter]) -> Query:
        shape = ("count", tuple(w.author is not None for w in windows))
        query = self._changes.get(shape)
        if query is None:
            where = [R.c.team_id == bindparam("team_id"), R.c.version <= bindparam("upto"), R.c.deleted.is_(False)]
            for i, window in enumerate(windows):
                ours, kept, inside = _window_terms(i, window.author is not None)
                where.append(sa.or_(sa.not_(ours), sa.and_(*kept, inside)))
            query = self._changes[shape] = Query(sa.select(sa.func.count().label("n")).where(*where))
        return query


def _window_terms(i: int, by_author: bool) -> tuple[Any, list[Any], Any]:
    """The i-th window's conditions on a record: of its collection; written by its author (if it keeps
    only theirs); inside it (no window key counts as inside)."""
    ours = R.c.collection == bindparam(f"w{i}_collection")
    kept = [R.c.user_id == bindparam(f"w{i}_author")] if by_author else []
    inside = sa.or_(R.c.window_key.is_(None), R.c.window_key >= bindparam(f"w{i}_start"))
    return ours, kept, inside


def _window_params(windows: Sequence[WindowFilter]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for i, window in enumerate(windows):
        params[f"w{i}_collection"] = window.collection
        params[f"w{i}_start"] = window.start
        if window.author is not None:
            params[f"w{i}_author"] = window.author
        if window.leaving_since is not None:
            params[f"w{i}_since"] = window.leaving_since
    return params


def change_json(pg: bool) -> Any:
    """SQL that writes a record's pulled change as JSON text: what ``dumps(SyncEngine.change_for(rec))``
    gives, key for key. Built from the same lists as ``change_for`` (:data:`sync.engine.CHANGE_KEYS`,
    :data:`sync.registry.RECORD_META`), so the two cannot drift apart.

    The database does in C what cost Python three quarters of a pull page (reading a dozen columns
    per row, decoding and re-encoding). Strings are quoted by the database (``json_quote`` /
    ``to_json``), which leaves non-ASCII characters unescaped: the same JSON values, not the same
    bytes as Python's ASCII-only encoder. Only the record id, which a device chooses, needs quoting:
    the other strings are the server's (collection names, uuids, times) or a validated hlc, none of
    which can hold a quote, a backslash or a control character. ``data`` and ``hlcs`` are objects
    written by :func:`dumps` (no spaces), so ``{...}`` less its braces is the list of its members."""

    def json_text(column) -> Any:
        return sa.cast(column, sa.Text) if pg else sa.type_coerce(column, sa.Text)

    quoted_id = sa.cast(sa.func.to_json(R.c.record_id), sa.Text) if pg else sa.func.json_quote(R.c.record_id)
    data, hlcs = json_text(R.c.data), json_text(R.c.hlcs)
    two = sa.literal_column("2", sa.Integer)
    members = sa.case((sa.func.length(data) > two, sa.func.substr(data, two, sa.func.length(data) - two) + _lit(",")),
                      else_=_lit(""))
    out = _Concatenation()

    def write_meta() -> None:
        for n, (key, attribute) in enumerate(RECORD_META):
            out.text(("," if n else "") + f'"{key}":')
            if attribute == "record_id":
                out.sql(quoted_id)
            else:  # one of the server's own strings (see above)
                out.text('"').sql(R.c[attribute]).text('"')

    write_value: dict[str, Callable[[], Any]] = {
        "collection": lambda: out.text('"').sql(R.c.collection).text('"'),
        "record_id": lambda: out.sql(quoted_id),
        "deleted": lambda: out.sql(sa.case((R.c.deleted, _lit("true")), else_=_lit("false"))),
        "record": lambda: (out.text("{").sql(sa.case((R.c.deleted, _lit("")), else_=members)),
                           write_meta(), out.text("}")),
        "hlc": lambda: out.sql(sa.case((R.c.deleted | R.c.hlc.is_(None), _lit("null")),
                                       else_=_lit('"') + R.c.hlc + _lit('"'))),
        "hlcs": lambda: out.sql(sa.case((R.c.deleted, _lit("{}")), else_=hlcs)),
    }
    out.text("{")
    for n, key in enumerate(CHANGE_KEYS):
        out.text(("," if n else "") + f'"{key}":')
        write_value[key]()
    out.text("}")
    return out.expression()


def left_json(pg: bool) -> Any:
    """SQL that writes a *left* notice: the change of a record that is no longer in the device's sync
    window, as a tombstone (meta keys only) marked ``"left": true`` (``SyncEngine.changes_for``)."""
    quoted_id = sa.cast(sa.func.to_json(R.c.record_id), sa.Text) if pg else sa.func.json_quote(R.c.record_id)
    out = _Concatenation()
    out.text('{"collection":"').sql(R.c.collection).text('","record_id":').sql(quoted_id)
    out.text(',"deleted":true,"record":{')
    for n, (key, attribute) in enumerate(RECORD_META):
        out.text(("," if n else "") + f'"{key}":')
        if attribute == "record_id":
            out.sql(quoted_id)
        else:
            out.text('"').sql(R.c[attribute]).text('"')
    out.text('},"hlc":null,"hlcs":{},"left":true}')
    return out.expression()


def _lit(text: str) -> Any:
    return sa.literal_column("'" + text.replace("'", "''") + "'", sa.Text)


class _Concatenation:
    """SQL text concatenation (``||``) built from literal text and expressions, adjacent texts merged."""

    def __init__(self) -> None:
        self.parts: list[Any] = []
        self.pending = ""

    def text(self, text: str) -> "_Concatenation":
        self.pending += text
        return self

    def sql(self, expression: Any) -> "_Concatenation":
        if self.pending:
            self.parts.append(_lit(self.pending))
            self.pending = ""
        self.parts.append(expression)
        return self

    def expression(self) -> Any:
        parts = [*self.parts, _lit(self.pending)] if self.pending else self.parts
        return functools.reduce(lambda a, b: a.op("||")(b), parts)


def _records(rows: Sequence[Any]) -> list[StoredRecord]:
    """Records as the engine merges them: JSON decoded in one call, ``hlcs`` and ``owners``
    expanded from their stored form."""
    decoded = iter(loads_many([text for row in rows for text in _json_of(row)]))
    out = []
    for row in rows:
        fields, exceptions, owners, writers = next(decoded), next(decoded), next(decoded), next(decoded)
        hlcs = expand_hlcs(fields, row.hlc, exceptions)
        for name, hlc in hlcs.items():
            if name not in owners:
                owners[name] = [client_of(hlc)]
        out.append(StoredRecord(row.collection, row.record_id, row.team_id, row.user_id, row.created_at,
                                row.updated_at, row.version, fields, hlcs, owners, writers, bool(row.deleted),
                                row.deleted_hlc))
    return out


def _record_row(rec: StoredRecord, writers_json: dict[tuple, str]) -> dict[str, Any]:
    # ``writers`` is nearly always the same small dict for every record of a push (the pushing
    # device): encode each distinct one once (``writers_json`` lives for one put_records call)
    writers_key = tuple(rec.writers.items())
    writers = writers_json.get(writers_key)
    if writers is None:
        writers = writers_json[writers_key] = dumps(rec.writers)
    hlcs = rec.hlcs
    hlc, exceptions = compact_hlcs(hlcs)
    # owners are stored only where they are not just the client of the field's hlc (rarely)
    owners = {name: ids for name, ids in rec.owners.items()
              if len(ids) != 1 or name not in hlcs or ids[0] != client_of(hlcs[name])}
    return {
        "collection": rec.collection, "record_id": rec.record_id, "team_id": rec.team_id, "user_id": rec.user_id,
        "created_at": rec.created_at, "updated_at": rec.updated_at, "version": rec.version,
        "deleted": rec.deleted, "deleted_hlc": rec.deleted_hlc, "hlc": hlc, "data": dumps(rec.fields),
        "hlcs": dumps(exceptions) if exceptions else "{}", "owners": dumps(owners) if owners else "{}",
        "writers": writers,
    }


@functools.lru_cache(maxsize=64)
def _takes_created(projector: Projector) -> bool:
    """Does the projector accept ``created`` (the ids of records this push creates, which no read
    table row can exist for yet, so it need not look their previous rows up)?"""
    try:
        return "created" in inspect.signature(projector).parameters
    except (TypeError, ValueError):
        return False


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, (OperationalError, InterfaceError, IntegrityError, sa.exc.TimeoutError)):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _rollback(session) -> None:
    try:
        session.rollback()
    except SQLAlchemyError:  # the connection may be gone; the pool discards it
        log.warning("rollback failed", exc_info=True)


@contextmanager
def _unavailable_on_database_errors(session) -> Iterator[None]:
    """Any failure rolls the whole transaction back (all or nothing); a database that is down,
    locked or restarting becomes :class:`StoreUnavailable` (503: nothing applied, the client retries)."""
    try:
        yield
    except BaseException as exc:
        _rollback(session)
        if isinstance(exc, SQLAlchemyError) and _retryable(exc):
            log.warning("sync store unavailable: %s", exc)
            raise StoreUnavailable() from exc
        raise


class SqlTx:
    """One transaction (or read snapshot) on a connection; see :class:`sync.store.StoreTx`."""

    def __init__(self, store: "SqlStore", conn: sa.Connection, *, writable: bool) -> None:
        self.store = store
        self.conn = conn
        self.sql = store.statements(conn)
        self.writable = writable
        self._known: set[RecordKey] = set()  # records that exist in the database (locked or written)
        self.client_id: Optional[str] = None  # the device whose push this is
        self.saved_teams: dict[str, int] = {}  # team -> its change counter as this transaction leaves it
        self.changed: dict[str, list[StoredRecord]] = defaultdict(list)  # for the push observers

    def _check_writable(self) -> None:
        if not self.writable:
            raise RuntimeError("write inside a read-only snapshot")

    # --- push ------------------------------------------------------------------------------------
    def lock_device(self, client_id: str, user_id: str) -> DeviceState:
        self._check_writable()
        self.client_id = client_id
        params = {"client_id": client_id}
        rows = self.sql.device_lock.rows(self.conn, params)
        if not rows:
            self.sql.device_create.run(self.conn, {"client_id": client_id, "user_id": user_id})
            rows = self.sql.device_lock.rows(self.conn, params)
        return DeviceState(client_id, user_id, rows[0].last_mutation_id, rows[0].last_hlc)

    def lock_records(self, keys: Sequence[RecordKey]) -> dict[RecordKey, StoredRecord]:
        by_collection: dict[str, list[str]] = defaultdict(list)
        for collection, record_id in keys:
            if len(record_id) <= 128 and storable_text(record_id):  # others cannot exist
                by_collection[collection].append(record_id)
        out: dict[RecordKey, StoredRecord] = {}
        for collection in sorted(by_collection):
            rows = self.sql.records_lock.rows(
                self.conn, {"collection": collection, "record_ids": sorted(by_collection[collection])})
            for rec in _records(rows):
                out[rec.key] = rec
        self._known.update(out)
        return out

    def lock_teams(self, team_ids: Sequence[str]) -> dict[str, TeamState]:
        self._check_writable()
        wanted = sorted(set(team_ids))
        rows = self.sql.teams_lock.rows(self.conn, {"team_ids": wanted})
        if len(rows) < len(wanted):
            found = {row.team_id for row in rows}
            self.sql.team_create.run(self.conn, [{"team_id": t} for t in wanted if t not in found])
            rows = self.sql.teams_lock.rows(self.conn, {"team_ids": wanted})
        return {row.team_id: TeamState(row.team_id, row.version, row.horizon) for row in rows}

    def put_records(self, records: Sequence[StoredRecord]) -> list[StoredRecord]:
        """Writes the records, runs their collections' projectors and returns the records those
        derived (read-only collections, e.g. the weekly totals of entries) for the engine to stamp."""
        self._check_writable()
        if not records:
            return []
        new, existing = [], []
        created: set[RecordKey] = set()
        writers_json: dict[tuple, str] = {}
        window_fields = self.store.window_fields
        for rec in records:
            row = _record_row(rec, writers_json)
            field = window_fields.get(rec.collection)
            key = rec.fields.get(field) if field is not None else None
            row["window_key"] = key[:32] if isinstance(key, str) else None
            if rec.key in self._known:
                row["b_collection"], row["b_record_id"] = row.pop("collection"), row.pop("record_id")
                del row["team_id"], row["user_id"], row["created_at"]  # never change
                existing.append(row)
            else:
                new.append(row)
                created.add(rec.key)
        self.sql.record_insert.execute(self.conn, new)
        self.sql.record_update.execute(self.conn, existing)
        self._known.update(rec.key for rec in records)
        for rec in records:
            self.changed[rec.collection].append(rec)
        derived: list[StoredRecord] = []
        projectors = self.store.projectors
        if projectors:
            by_collection: dict[str, list[StoredRecord]] = defaultdict(list)
            for rec in records:
                if rec.collection in projectors:
                    by_collection[rec.collection].append(rec)
            for collection, recs in by_collection.items():
                projector = projectors[collection]
                if _takes_created(projector):
                    made = projector(self.conn, recs, created=frozenset(r.record_id for r in recs if r.key in created))
                else:
                    made = projector(self.conn, recs)
                derived.extend(made or ())
        self.store.after_put(len(records))
        return derived

    def save_team(self, state: TeamState) -> None:
        self._check_writable()
        self.saved_teams[state.team_id] = state.version
        self.sql.team_save.run(self.conn,
                                   {"b_team_id": state.team_id, "version": state.version, "horizon": state.horizon})

    def save_device(self, state: DeviceState) -> None:
        self._check_writable()
        self.sql.device_save.run(self.conn, {"b_client_id": state.client_id,
                                                 "last_mutation_id": state.last_mutation_id,
                                                 "last_hlc": state.last_hlc})

    def add_conflicts(self, entries: Sequence[ConflictEntry]) -> None:
        self._check_writable()
        if entries:
            self.sql.conflict_insert.run(self.conn, [{
                "team_id": c.team_id, "collection": c.collection, "record_id": c.record_id,
                "field": clean_text(c.field), "kept_value": dumps_log(c.kept_value), "kept_hlc": c.kept_hlc,
                "lost_value": dumps_log(c.lost_value), "lost_hlc": c.lost_hlc,
                "lost_by_user_id": c.lost_by_user_id, "lost_by_client_id": c.lost_by_client_id, "at": c.at,
            } for c in entries])

    def add_rejections(self, entries: Sequence[RejectedMutation]) -> None:
        self._check_writable()
        if entries:
            self.sql.rejection_insert.run(self.conn, [{
                "client_id": r.client_id, "user_id": r.user_id, "mutation_id": r.mutation_id,
                # a hint taken from the mutation: keep it only if it can be a team id
                "team_id": r.team_id if isinstance(r.team_id, str) and len(r.team_id) <= 36
                and storable_text(r.team_id) else None,
                "mutation": dumps_log(r.mutation), "error": dumps_log(r.error), "at": r.at,
            } for r in entries])

    def get_rejections(self, client_id: str, mutation_ids: Sequence[int]) -> dict[int, RejectedMutation]:
        rows = self.sql.rejections.rows(self.conn, {"client_id": client_id, "mutation_ids": list(mutation_ids)})
        decoded = iter(loads_many([t for row in rows for t in (row.mutation, row.error)]))
        return {row.mutation_id: RejectedMutation(row.client_id, row.user_id, row.mutation_id, row.team_id,
                                                  next(decoded), next(decoded), row.at) for row in rows}

    # --- reads -----------------------------------------------------------------------------------
    def get_device(self, client_id: str) -> Optional[DeviceState]:
        rows = self.sql.device_select.rows(self.conn, {"client_id": client_id})
        return DeviceState(client_id, "", rows[0].last_mutation_id, rows[0].last_hlc) if rows else None

    def get_teams(self, team_ids: Sequence[str]) -> dict[str, TeamState]:
        out = {t: TeamState(t) for t in team_ids}
        if out:
            for row in self.sql.teams_select.rows(self.conn, {"team_ids": list(out)}):
                out[row.team_id] = TeamState(row.team_id, row.version, row.horizon)
        return out

    def list_changes(self, team_id: str, after: int, upto: int, limit: int, skip_tombstones_upto: int = 0,
                     windows: Sequence[WindowFilter] = ()) -> list[EncodedRow]:  # type: ignore[override]
        """For pulls: each record as its version and its change's JSON text (:func:`change_json`),
        which :meth:`ServerSyncEngine.change_for` passes on. Merges read records through
        :meth:`lock_records`, which loads everything."""
        params = {"team_id": team_id, "after": after, "upto": upto, "limit": limit, **_window_params(windows)}
        skipping = skip_tombstones_upto > after
        if skipping:
            params["skip"] = skip_tombstones_upto
        return self.sql.changes(skipping, windows).rows(self.conn, params)

    def count_live(self, team_id: str, upto: int, windows: Sequence[WindowFilter] = ()) -> int:
        params = {"team_id": team_id, "upto": upto, **_window_params(windows)}  # a full copy: no left notices
        return self.sql.count_live(windows).rows(self.conn, params)[0].n

    def list_conflicts(self, team_id: str, since: Optional[str], limit: int) -> list[ConflictEntry]:
        params: dict[str, Any] = {"team_id": team_id, "limit": limit}
        if since is not None:
            params["since"] = since
        rows = (self.sql.conflicts if since is None else self.sql.conflicts_since).rows(self.conn, params)
        decoded = iter(loads_many([t for row in rows for t in (row.kept_value, row.lost_value)]))
        return [ConflictEntry(row.team_id, row.collection, row.record_id, row.field, next(decoded), row.kept_hlc,
                              next(decoded), row.lost_hlc, row.lost_by_user_id, row.lost_by_client_id, row.at)
                for row in rows]

    # --- maintenance -----------------------------------------------------------------------------
    def list_team_ids(self) -> list[str]:
        return [row.team_id for row in self.sql.team_ids.rows(self.conn, {})]

    def purge_tombstones(self, team_id: str, before: str) -> int:
        self._check_writable()
        rows = self.sql.purge_tombstones.rows(self.conn, {"team_id": team_id, "before": before})
        return max((row.version for row in rows), default=0)

    def purge_logs(self, before: str) -> int:
        self._check_writable()
        params = {"before": before}
        return self.sql.purge_conflicts.run(self.conn, params) + self.sql.purge_rejections.run(self.conn, params)


class SqlStore:
    """The store for one app. ``projectors`` is the registry's live dict (collection -> projector)."""

    tx_class = SqlTx

    def __init__(self, projectors: Mapping[str, Projector] | None = None, live: Any = None,
                 observers: Sequence[Any] = (), window_fields: Mapping[str, str] | None = None) -> None:
        """``live``: a broker of :mod:`server.sync_api.live` told about every committed change of a
        team's counter (``before_commit`` inside the transaction, ``after_commit`` once it committed).
        ``observers``: the registry's push observers, called before the commit (``registry.py``)."""
        self.projectors = projectors if projectors is not None else {}
        #: windowed collection -> its window field, kept in ``sync_records.window_key`` (the registry's live dict)
        self.window_fields = window_fields if window_fields is not None else {}
        self.observers = observers
        self.live = live
        self._statements: dict[str, _Statements] = {}
        self._slow_push = _slow_push_from_environment()

    def statements(self, conn: sa.Connection) -> _Statements:
        name = conn.dialect.name
        sql = self._statements.get(name)
        if sql is None:
            sql = self._statements[name] = _Statements(name)
        return sql

    @contextmanager
    def transaction(self) -> Iterator[SqlTx]:
        session = db.session()
        with _unavailable_on_database_errors(session):
            begin_write(session)  # carries on a transaction that already writes (authentication, hold_client)
            conn = session.connection()
            sql = self.statements(conn)
            if sql.lock_timeout is not None:
                sql.lock_timeout.run(conn, {})
            tx = self.tx_class(self, conn, writable=True)
            yield tx
            if tx.changed:
                for observer in self.observers:
                    observer(tx.changed)
            if tx.saved_teams and self.live is not None:
                self.live.before_commit(conn, tx.client_id, tx.saved_teams)
            session.commit()
        # Only now: a push that failed or rolled back is never announced.
        if tx.saved_teams and self.live is not None:
            self.live.after_commit(tx.client_id, tx.saved_teams)

    def hold_client(self, client_id: str, user_id: str) -> int:
        """Start the next push's transaction early and lock ``client_id``'s sync state in it;
        returns its ``last_mutation_id``. Call :func:`begin_write` first: the next :meth:`transaction`
        then carries on this one, so a caller can number mutations without racing another writer
        (see ``write_as_server``)."""
        session = db.session()
        conn = session.connection()
        sql = self.statements(conn)
        if sql.lock_timeout is not None:
            sql.lock_timeout.run(conn, {})
        state = self.tx_class(self, conn, writable=True).lock_device(client_id, user_id)
        return state.last_mutation_id

    @contextmanager
    def snapshot(self) -> Iterator[SqlTx]:
        session = db.session()
        with _unavailable_on_database_errors(session):
            yield self.tx_class(self, session.connection(), writable=False)
            session.commit()  # ends the read transaction (SQLite: lets the WAL checkpoint)

    # --- test hook -------------------------------------------------------------------------------
    def after_put(self, count: int) -> None:
        """Called inside the push transaction once its records are written (a seam for tests)."""
        if self._slow_push is None:
            return
        threshold, seconds, marker = self._slow_push
        if count < threshold:
            return
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return  # fires once per marker file
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        time.sleep(seconds)


def _slow_push_from_environment() -> tuple[int, float, str] | None:
    raw = os.environ.get(SLOW_PUSH_ENV)
    if not raw:
        return None
    count, seconds, marker = raw.split(":", 2)
    return int(count), float(seconds), marker
