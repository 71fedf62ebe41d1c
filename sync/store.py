"""The storage interface of the sync engine, and the rows it reads and writes.

Two implementations: :class:`sync.memory.MemoryStore` (tests) and the SQLAlchemy store in
``server/sync_api/`` (SQLite and PostgreSQL). Everything the engine needs is here; a SQL
implementation maps each method onto one or two statements.

Transactions
------------
``Store.transaction()`` is a read-write transaction: commit when the ``with`` block exits
normally, roll back on any exception (all-or-nothing). ``Store.snapshot()`` is for reads
(pull, conflicts); READ COMMITTED is enough because the engine reads in a safe order (see
``list_changes``).

Locking protocol (what keeps PostgreSQL correct under concurrency)
------------------------------------------------------------------
The engine always locks in this order, so two pushes can never deadlock:

1. ``lock_device(client_id)``: the device's sync-state row, ``SELECT ... FOR UPDATE`` (create
   it first with ``INSERT ... ON CONFLICT DO NOTHING``). Two copies of one push serialise here;
   the second sees the advanced ``last_mutation_id`` and reports ``duplicate``.
2. ``lock_records(keys)``: the records the push touches, ``SELECT ... FOR UPDATE ORDER BY
   collection, record_id`` (missing ones are simply absent).
3. ``lock_teams(team_ids)``: the per-team change counters, in sorted team order, ``SELECT ...
   FOR UPDATE`` (create missing rows first). Every change to a team's records is stamped
   with ``counter + 1, + 2, ...`` while this lock is held until commit, so within a team
   versions become visible in increasing order: a reader that has seen version ``n``
   committed has seen every version below it. That is what lets a cursor be a plain
   per-team version number without ever skipping a change.

On SQLite, start write transactions with ``BEGIN IMMEDIATE`` so the device-state read
already holds the write lock (otherwise a concurrent writer turns it into SQLITE_BUSY).
A database error or lock timeout should surface as :class:`sync.errors.StoreUnavailable`
(503, nothing processed, the client retries).

Compare HLC strings in Python, not in SQL (a locale collation may not order them as bytes).
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol, Sequence

__all__ = [
    "RecordKey",
    "DeviceState",
    "TeamState",
    "WindowFilter",
    "StoredRecord",
    "ConflictEntry",
    "RejectedMutation",
    "StoreTx",
    "Store",
]

RecordKey = tuple[str, str]  # (collection, record_id)


@dataclass
class DeviceState:
    """One row per device (``client_id`` = device id)."""

    client_id: str
    user_id: str
    last_mutation_id: int = 0
    #: the highest effective hlc the server gave this device's mutations; the server keeps
    #: each device's effective hlcs strictly increasing (see the clock-skew rule).
    last_hlc: Optional[str] = None


@dataclass
class TeamState:
    """The per-team change counter row."""

    team_id: str
    version: int = 0  # the last version stamped on a change in this team (0: none yet)
    horizon: int = 0  # tombstones with version <= horizon were purged: older cursors are stale


@dataclass
class StoredRecord:
    """A record, live or tombstone. ``(collection, record_id)`` is the primary key.

    SQL columns: collection, record_id, team_id, user_id, created_at, updated_at, version,
    deleted, deleted_hlc, data (JSON of ``fields``), hlcs, owners and writers (JSON).
    Index ``(team_id, version)`` serves pulls.
    """

    collection: str
    record_id: str
    team_id: str
    user_id: str  # the author (set on create, never changes)
    created_at: str  # ISO 8601 UTC, ms precision
    updated_at: str
    version: int  # the team version of its last change
    fields: dict[str, Any] = field(default_factory=dict)
    hlcs: dict[str, str] = field(default_factory=dict)  # field -> hlc of its current value
    owners: dict[str, list[str]] = field(default_factory=dict)  # field -> client ids that wrote its value
    writers: dict[str, str] = field(default_factory=dict)  # client id -> user id, for every writer
    deleted: bool = False
    deleted_hlc: Optional[str] = None

    @property
    def key(self) -> RecordKey:
        return (self.collection, self.record_id)

    def copy(self) -> "StoredRecord":
        return StoredRecord(
            self.collection, self.record_id, self.team_id, self.user_id, self.created_at,
            self.updated_at, self.version, dict(self.fields), dict(self.hlcs),
            {k: list(v) for k, v in self.owners.items()}, dict(self.writers), self.deleted, self.deleted_hlc,
        )

    def merge_state(self) -> dict[str, Any]:
        return {"fields": self.fields, "hlcs": self.hlcs, "owners": self.owners,
                "deleted": self.deleted, "deleted_hlc": self.deleted_hlc}


@dataclass
class ConflictEntry:
    """A value that lost to another value (the conflict log)."""

    team_id: str
    collection: str
    record_id: str
    field: str
    kept_value: Any
    kept_hlc: Optional[str]
    lost_value: Any
    lost_hlc: str
    lost_by_user_id: Optional[str]
    lost_by_client_id: str
    at: str  # server time it was logged

    def to_wire(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "record_id": self.record_id,
            "field": self.field,
            "kept_value": self.kept_value,
            "kept_hlc": self.kept_hlc,
            "lost_value": self.lost_value,
            "lost_hlc": self.lost_hlc,
            "lost_by_user_id": self.lost_by_user_id,
            "lost_by_client_id": self.lost_by_client_id,
            "at": self.at,
        }


@dataclass
class RejectedMutation:
    """A mutation the server refused, kept so nothing is silently dropped."""

    client_id: str
    user_id: str
    mutation_id: int
    team_id: Optional[str]  # when known
    mutation: dict[str, Any]  # the mutation as received
    error: dict[str, Any]  # {"code", "message", "fields"?}
    at: str


@dataclass(frozen=True)
class WindowFilter:
    """What one pull sends of a windowed collection (:class:`sync.registry.SyncWindow`) in one team.

    A record of ``collection`` is sent when ``fields[field] >= start`` (a record without the field
    counts as inside) and, if ``author`` is set, it was written by that user. ``leaving_since``
    (incremental pulls only): a changed record outside the window that was created at or before this
    time may be on the device, so it is sent as a *left* notice (a tombstone with ``"left": true``);
    None (full copies) sends none."""

    collection: str
    field: str
    start: str
    author: Optional[str] = None
    leaving_since: Optional[str] = None

    def matches_author(self, rec: "StoredRecord") -> bool:
        return self.author is None or rec.user_id == self.author

    def inside(self, rec: "StoredRecord") -> bool:
        value = rec.fields.get(self.field)
        return not isinstance(value, str) or value >= self.start

    def sends(self, rec: "StoredRecord") -> bool:
        if rec.collection != self.collection:
            return True
        if not self.matches_author(rec):
            return False
        return self.inside(rec) or self.leaves(rec)

    def leaves(self, rec: "StoredRecord") -> bool:
        """Sent as a left notice: changed, outside the window, possibly on the device."""
        return (rec.collection == self.collection and self.leaving_since is not None and not self.inside(rec)
                and self.matches_author(rec) and rec.created_at <= self.leaving_since)


class StoreTx(Protocol):
    """The operations available inside a transaction (or snapshot, for the read methods)."""

    # --- push: called in this order inside Store.transaction() -------------------------
    def lock_device(self, client_id: str, user_id: str) -> DeviceState:
        """Lock (creating at ``last_mutation_id=0`` if missing) the device's sync state."""

    def lock_records(self, keys: Sequence[RecordKey]) -> dict[RecordKey, StoredRecord]:
        """Lock and return the existing records among ``keys`` (tombstones included)."""

    def lock_teams(self, team_ids: Sequence[str]) -> dict[str, TeamState]:
        """Lock (creating at version 0 if missing) the counters of ``team_ids``, sorted."""

    def put_records(self, records: Sequence[StoredRecord]) -> Sequence[StoredRecord]:
        """Insert or replace these records (by key). Returns the records of read-only collections
        that the store derived from them in this transaction (weekly totals of entries), unstamped
        (version 0) and without hlcs; the engine stamps them with the team's next versions and puts
        them in turn (usually none)."""

    def save_team(self, state: TeamState) -> None:
        """Write a locked team counter (version and horizon)."""

    def save_device(self, state: DeviceState) -> None:
        """Write the locked device state."""

    def add_conflicts(self, entries: Sequence[ConflictEntry]) -> None: ...

    def add_rejections(self, entries: Sequence[RejectedMutation]) -> None: ...

    def get_rejections(self, client_id: str, mutation_ids: Sequence[int]) -> dict[int, RejectedMutation]:
        """The logged rejections of this device among ``mutation_ids`` (for duplicate results)."""

    # --- pull / reads (also inside Store.snapshot()) ------------------------------------
    def get_device(self, client_id: str) -> Optional[DeviceState]: ...

    def get_teams(self, team_ids: Sequence[str]) -> dict[str, TeamState]:
        """Current committed counters; a team without a row is ``TeamState(team_id)``."""

    def list_changes(
        self, team_id: str, after: int, upto: int, limit: int, skip_tombstones_upto: int = 0,
        windows: Sequence[WindowFilter] = (),
    ) -> list[StoredRecord]:
        """Records of ``team_id`` with ``after < version <= upto``, ordered by version, at most
        ``limit``; tombstones with ``version <= skip_tombstones_upto`` are left out, and so are
        the records of windowed collections that ``windows`` do not send (:meth:`WindowFilter.sends`).

        The engine reads ``upto`` (the team counter) *before* calling this, so a transaction
        committing in between cannot be half-seen."""

    def count_live(self, team_id: str, upto: int, windows: Sequence[WindowFilter] = ()) -> int:
        """How many live records a full copy of the team up to ``upto`` sends (the progress of a
        first sync)."""

    def list_conflicts(self, team_id: str, since: Optional[str], limit: int) -> list[ConflictEntry]:
        """Conflicts of ``team_id`` with ``at >= since`` in logging order, at most ``limit``."""

    # --- maintenance --------------------------------------------------------------------
    def list_team_ids(self) -> list[str]:
        """Teams that have a counter row."""

    def purge_tombstones(self, team_id: str, before: str) -> int:
        """Delete the team's tombstones with ``updated_at < before``; return the highest
        version deleted (0 if none). The engine then locks the team counter and raises its
        horizon in the same transaction (records before counters, as in a push)."""

    def purge_logs(self, before: str) -> int:
        """Delete conflicts and rejected mutations logged before ``before``; return the count."""


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[StoreTx]:
        """A read-write transaction: commit on normal exit, roll back on exception."""

    def snapshot(self) -> AbstractContextManager[StoreTx]:
        """A read-only transaction for pulls and conflict listings."""
