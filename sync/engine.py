"""The sync engine: push (apply a device's mutations) and pull (send changes since a cursor).

It knows nothing about HTTP or SQL: the HTTP layer builds an :class:`~sync.registry.Actor`
from the bearer token, calls :meth:`SyncEngine.push` / :meth:`SyncEngine.pull` /
:meth:`SyncEngine.conflicts`, and turns :class:`~sync.errors.SyncError` into
``{"error": {...}}`` with ``error.status``. See ``docs/sync-protocol.md``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Optional, Sequence

from .cursor import TeamPosition, decode_cursor_state, encode_cursor
from .errors import Rejected, SyncError
from .hlc import HlcError, HlcTimestamp, compact_hlcs, format_time, parse_hlc, parse_time, successor, system_ms
from .merge import FieldConflict, MergeResult, created_state, json_equal, merge_delete, merge_upsert
from .registry import RECORD_META, RESERVED_FIELDS, Actor, Collection, RecordInfo
from .store import ConflictEntry, RecordKey, RejectedMutation, Store, StoredRecord, StoreTx, TeamState, WindowFilter

__all__ = ["SyncEngine", "SUPPORTED_SCHEMA_VERSIONS", "CHANGE_KEYS"]

SUPPORTED_SCHEMA_VERSIONS = (1,)
#: The keys of a pulled change, in order (:meth:`SyncEngine.change_for`; the server's SQL that writes
#: the same JSON is built from this list and :data:`~sync.registry.RECORD_META`).
CHANGE_KEYS = ("collection", "record_id", "deleted", "record", "hlc", "hlcs")
_MISSING = object()
_DAY_MS = 86_400_000
#: A record created up to this long after a cursor was issued may still have been on it (clocks of
#: web processes differ a little; a push's time is taken before it commits): it gets a left notice.
_LEFT_NOTICE_MARGIN_MS = 10 * 60_000
#: The author of records the server derives (read-only collections) and the client id of their hlcs.
SERVER_AUTHOR = "server"


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _without_reserved(cleaned: dict) -> dict:
    if RESERVED_FIELDS.isdisjoint(cleaned):
        return cleaned
    return {k: v for k, v in cleaned.items() if k not in RESERVED_FIELDS}


def _ms_or(text: str, default: int) -> int:
    try:
        return parse_time(text)
    except (HlcError, ValueError, TypeError):
        return default


def _parse_iso(value: str) -> str:
    """Any ISO 8601 time (naive = UTC) -> the canonical ``...mmmZ`` form; ValueError if bad."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    ms = int(dt.timestamp() * 1000)
    return format_time(max(ms, 0))


@dataclass
class _PushState:
    """Working state of one push transaction."""

    tx: StoreTx
    actor: Actor
    now: str
    now_ms: int
    floor: Optional[HlcTimestamp]
    records: dict[RecordKey, StoredRecord]
    teams: dict[str, TeamState]
    changed: dict[RecordKey, StoredRecord] = field(default_factory=dict)
    changed_teams: set[str] = field(default_factory=set)
    conflicts: list[ConflictEntry] = field(default_factory=list)
    rejections: list[RejectedMutation] = field(default_factory=list)

    def touch(self, rec: StoredRecord) -> None:
        """Persist bookkeeping (field owners) that clients never see: no new version."""
        self.changed.setdefault(rec.key, rec)

    def stamp(self, rec: StoredRecord) -> None:
        team = self.teams[rec.team_id]
        team.version += 1
        rec.version = team.version
        rec.updated_at = self.now
        self.changed[rec.key] = rec
        self.changed_teams.add(rec.team_id)


class SyncEngine:
    """One engine per process; it holds no per-request state and is thread-safe if the store is.

    * ``clock_ms``: the server's wall clock in epoch milliseconds (injectable for tests).
    * ``skew_tolerance_ms``: how far ahead of the server clock a mutation's hlc may be before
      the server re-stamps it (the clock-skew rule, default 60 s).
    * ``retention_days``: tombstones and logs are kept at least this long (default 180).
    """

    def __init__(
        self,
        store: Store,
        *,
        clock_ms: Callable[[], int] = system_ms,
        skew_tolerance_ms: int = 60_000,
        retention_days: int = 180,
        schema_versions: Iterable[int] = SUPPORTED_SCHEMA_VERSIONS,
        max_mutations: int = 500,
        max_pull_limit: int = 1000,
        default_pull_limit: int = 500,
    ) -> None:
        self.store = store
        self.clock_ms = clock_ms
        self.skew_tolerance_ms = skew_tolerance_ms
        self.retention_days = retention_days
        self.schema_versions = frozenset(schema_versions)
        self.max_mutations = max_mutations
        self.max_pull_limit = max_pull_limit
        self.default_pull_limit = default_pull_limit
        self.collections: dict[str, Collection] = {}

    # ------------------------------------------------------------------------------------------
    def register(self, collection: Collection) -> Collection:
        if collection.name in self.collections:
            raise ValueError(f"collection {collection.name!r} is already registered")
        self.collections[collection.name] = collection
        return collection

    def server_time(self) -> str:
        return format_time(self.clock_ms())

    # ------------------------------------------------------------------------------------------
    # push
    # ------------------------------------------------------------------------------------------
    def _check_push_shape(self, actor: Actor, request: Any) -> list[dict]:
        if not isinstance(request, dict):
            raise SyncError(400, "invalid_request", "The push body must be a JSON object.")
        client_id = request.get("client_id")
        if not isinstance(client_id, str) or not client_id:
            raise SyncError(422, "validation_error", "client_id is required.", {"fields": {"client_id": ["Required string."]}})
        if client_id != actor.client_id:
            raise SyncError(403, "client_id_mismatch", "client_id is not the device this token belongs to.")
        schema_version = request.get("schema_version")
        if not _is_int(schema_version):
            raise SyncError(422, "validation_error", "schema_version is required.", {"fields": {"schema_version": ["Required integer."]}})
        if schema_version not in self.schema_versions:
            raise SyncError(
                426, "schema_version_unsupported",
                "This app version is not supported by the server; keep your changes and update the app.",
                {"supported": sorted(self.schema_versions)},
            )
        mutations = request.get("mutations")
        if not isinstance(mutations, list):
            raise SyncError(422, "validation_error", "mutations must be a list.", {"fields": {"mutations": ["Required list."]}})
        if len(mutations) > self.max_mutations:
            raise SyncError(
                413, "too_many_mutations",
                f"At most {self.max_mutations} mutations per push; split the batch.",
                {"max_mutations": self.max_mutations},
            )
        for i, m in enumerate(mutations):
            if not isinstance(m, dict) or not _is_int(m.get("id")) or m["id"] < 1:
                raise SyncError(
                    422, "validation_error", "Every mutation needs a positive integer id.",
                    {"fields": {f"mutations.{i}.id": ["Required positive integer."]}},
                )
        return mutations

    def push(self, actor: Actor, request: Any) -> tuple[int, dict]:
        """Process one push. Returns ``(200, body)``; raises :class:`SyncError` otherwise."""
        mutations = self._check_push_shape(actor, request)
        now_ms = self.clock_ms()
        now = format_time(now_ms)
        with self.store.transaction() as tx:
            device = tx.lock_device(actor.client_id, actor.user_id)
            last = device.last_mutation_id
            ids = [m["id"] for m in mutations]
            consecutive = all(b == a + 1 for a, b in zip(ids, ids[1:]))
            fresh = [m for m in mutations if m["id"] > last]
            if not consecutive or (fresh and fresh[0]["id"] != last + 1):
                raise SyncError(
                    409, "mutation_gap",
                    f"Mutation ids must continue from {last + 1} without gaps; resend from there.",
                    {"expected_id": last + 1},
                )
            results: list[dict] = []
            duplicates = [m["id"] for m in mutations if m["id"] <= last]
            if duplicates:
                earlier = tx.get_rejections(actor.client_id, duplicates)
                for mid in duplicates:
                    res: dict[str, Any] = {"id": mid, "status": "duplicate"}
                    if mid in earlier:  # tell the device again that it was refused
                        res["error"] = earlier[mid].error
                    results.append(res)
            if fresh:
                state = self._begin_push(tx, actor, fresh, device.last_hlc, now, now_ms)
                for m in fresh:
                    results.append(self._process(state, m))
                self._finish_push(state)
                device.last_mutation_id = fresh[-1]["id"]
                device.last_hlc = str(state.floor) if state.floor is not None else device.last_hlc
                tx.save_device(device)
            return 200, {"last_mutation_id": device.last_mutation_id, "server_time": now, "results": results}

    def _begin_push(
        self, tx: StoreTx, actor: Actor, fresh: list[dict], last_hlc: Optional[str], now: str, now_ms: int
    ) -> _PushState:
        keys = sorted({
            (m["collection"], m["record_id"]) for m in fresh
            if isinstance(m.get("collection"), str) and m["collection"] in self.collections
            and not self.collections[m["collection"]].read_only and isinstance(m.get("record_id"), str)
        })
        records = tx.lock_records(keys) if keys else {}
        team_ids = {r.team_id for r in records.values() if actor.can_write(r.team_id)}
        for m in fresh:
            fields = m.get("fields")
            if m.get("op") == "upsert" and isinstance(fields, dict):
                team_id = fields.get("team_id")
                if isinstance(team_id, str) and actor.can_write(team_id):
                    team_ids.add(team_id)
        teams = tx.lock_teams(sorted(team_ids)) if team_ids else {}
        floor = parse_hlc(last_hlc) if last_hlc else None
        return _PushState(tx, actor, now, now_ms, floor, records, teams)

    def _finish_push(self, state: _PushState) -> None:
        tx = state.tx
        if state.changed:
            derived = tx.put_records(list(state.changed.values()))
            if derived:
                self._put_derived(state, derived)
        for team_id in sorted(state.changed_teams):
            tx.save_team(state.teams[team_id])
        if state.conflicts:
            tx.add_conflicts(state.conflicts)
        if state.rejections:
            tx.add_rejections(state.rejections)

    def _put_derived(self, state: _PushState, derived: Sequence[StoredRecord]) -> None:
        """Stamp the records the store derived in this push (read-only collections) with the team's
        next versions, as any change, and put them. Only pushes write them, under their team's lock,
        so locking them now (after the team counters) cannot deadlock."""
        latest = {rec.key: rec for rec in derived}
        existing = state.tx.lock_records(sorted(latest))
        hlc = f"{state.now}-0000-{SERVER_AUTHOR}"
        out = []
        for key, rec in latest.items():
            old = existing.get(key)
            if old is not None and not old.deleted and old.deleted == rec.deleted and json_equal(old.fields, rec.fields):
                continue
            rec.user_id = SERVER_AUTHOR
            rec.created_at = old.created_at if old is not None else state.now
            rec.hlcs = {name: hlc for name in rec.fields}
            rec.owners = {name: [SERVER_AUTHOR] for name in rec.fields}
            rec.writers = {SERVER_AUTHOR: SERVER_AUTHOR}
            rec.deleted_hlc = hlc if rec.deleted else None
            state.stamp(rec)
            out.append(rec)
        if out:
            state.tx.put_records(out)

    def effective_hlc(self, hlc: HlcTimestamp, floor: Optional[HlcTimestamp], now_ms: int) -> HlcTimestamp:
        """The clock-skew rule: an hlc more than ``skew_tolerance_ms`` ahead of the server's
        clock is replaced by the server's time (counter 0, the device's client id); and a
        device's effective hlcs always increase in mutation-id order (never below its last)."""
        eff = hlc
        if hlc.millis > now_ms + self.skew_tolerance_ms:
            eff = HlcTimestamp(now_ms, 0, hlc.client_id)
        if floor is not None and eff <= floor:
            eff = successor(floor, hlc.client_id)
        return eff

    def check_record_id(self, collection: Collection, record_id: Any) -> None:
        """Reject a record id that cannot name a record of ``collection``: the engine takes any
        1-128 characters; an engine whose store holds less narrows this (and calls it)."""
        if not isinstance(record_id, str) or not 1 <= len(record_id) <= 128:
            raise Rejected("validation_error", "Invalid record id.",
                           {"record_id": ["Required string of 1-128 characters."]})

    def _process(self, state: _PushState, m: dict) -> dict:
        """Apply or reject one new mutation; returns its result entry."""
        actor = state.actor
        team_hint: Optional[str] = None
        record_id = m.get("record_id")
        try:
            name = m.get("collection")
            collection = self.collections.get(name) if isinstance(name, str) else None
            if collection is None:
                raise Rejected("unknown_collection", f"Unknown collection {name!r}.")
            if collection.read_only:
                raise Rejected("forbidden", f"{collection.name} are kept by the server; devices cannot change them.")
            self.check_record_id(collection, record_id)
            op = m.get("op")
            if op not in ("upsert", "delete"):
                raise Rejected("validation_error", "op must be upsert or delete.", {"op": ["Must be 'upsert' or 'delete'."]})
            try:
                sent = parse_hlc(m.get("hlc"))
            except HlcError:
                raise Rejected("validation_error", "Invalid hlc.", {"hlc": ["Not a valid HLC string."]}) from None
            if sent.client_id != actor.client_id:
                raise Rejected("validation_error", "The hlc must carry your client id.", {"hlc": ["Wrong client id."]})
            fields = m.get("fields")
            if op == "delete" and fields not in (None, {}):
                raise Rejected("validation_error", "A delete carries no fields.", {"fields": ["Must be absent for a delete."]})
            if op == "upsert" and not isinstance(fields, dict):
                raise Rejected("validation_error", "An upsert needs fields.", {"fields": ["Required object."]})
            eff = self.effective_hlc(sent, state.floor, state.now_ms)
            state.floor = eff
            key = (collection.name, record_id)
            rec = state.records.get(key)
            if rec is not None:
                team_hint = rec.team_id
            elif op == "upsert" and isinstance(fields.get("team_id"), str):
                team_hint = fields["team_id"]
            eff_text = m["hlc"] if eff is sent else str(eff)
            if op == "delete":
                return self._delete(state, collection, key, rec, eff_text, m)
            return self._upsert(state, collection, key, rec, dict(fields), eff_text, m)
        except Rejected as rej:
            error = rej.to_error()
            state.rejections.append(RejectedMutation(
                actor.client_id, actor.user_id, m["id"], team_hint, dict(m), error, state.now,
            ))
            return {"id": m["id"], "status": "rejected", "error": error}

    @staticmethod
    def _info(rec: StoredRecord) -> RecordInfo:
        return RecordInfo(rec.collection, rec.record_id, rec.team_id, rec.user_id, dict(rec.fields), rec.created_at, rec.updated_at)

    def _log(self, state: _PushState, rec: StoredRecord, conflicts: list[FieldConflict]) -> None:
        actor = state.actor
        for c in conflicts:
            user_id = actor.user_id if c.lost_by == actor.client_id else rec.writers.get(c.lost_by)
            state.conflicts.append(ConflictEntry(
                rec.team_id, rec.collection, rec.record_id, c.field, c.kept_value, c.kept_hlc,
                c.lost_value, c.lost_hlc, user_id, c.lost_by, state.now,
            ))

    def _delete(self, state: _PushState, collection: Collection, key: RecordKey,
                rec: Optional[StoredRecord], hlc: str, m: dict) -> dict:
        actor = state.actor
        if rec is None or not (actor.can_read(rec.team_id) or actor.can_write(rec.team_id)):
            raise Rejected("not_found", "No such record.")
        if not actor.can_write(rec.team_id):
            raise Rejected("forbidden", "You may not change this team's records.")
        if rec.deleted:
            return {"id": m["id"], "status": "applied"}
        collection.check_delete(actor, self._info(rec))
        result = merge_delete(rec.merge_state(), hlc)
        self._log(state, rec, result.conflicts)
        rec.deleted, rec.deleted_hlc = True, hlc
        state.stamp(rec)
        state.records[key] = rec
        return {"id": m["id"], "status": "applied"}

    def _upsert(self, state: _PushState, collection: Collection, key: RecordKey,
                rec: Optional[StoredRecord], fields: dict, hlc: str, m: dict) -> dict:
        team_in = fields.pop("team_id", _MISSING)
        if not RESERVED_FIELDS.isdisjoint(fields):
            reserved = sorted(k for k in fields if k in RESERVED_FIELDS)
            raise Rejected("validation_error", "Some fields are set by the server.",
                           {k: ["Set by the server; do not send it."] for k in reserved})
        if rec is None:
            rec = self._create(state, collection, key[1], team_in, fields, hlc)
        elif not (state.actor.can_read(rec.team_id) or state.actor.can_write(rec.team_id)):
            # A team the actor cannot see: answer as for a new record whose id is not theirs to use,
            # so a pushed id (a derived one is easy to compute) never tells whether that team has it.
            self._create(state, collection, key[1], team_in, fields, hlc, taken=True)
        else:
            self._update(state, collection, rec, team_in, fields, hlc)
        state.records[key] = rec
        return {"id": m["id"], "status": "applied"}

    def _create(self, state: _PushState, collection: Collection, record_id: str, team_id: Any,
                fields: dict, hlc: str, *, taken: bool = False) -> StoredRecord:
        actor = state.actor
        if not isinstance(team_id, str) or not team_id:
            raise Rejected("validation_error", "team_id is required to create a record.", {"team_id": ["Required."]})
        if not actor.can_write(team_id):
            raise Rejected("forbidden", "You may not add records to this team.")
        collection.check_create(actor, team_id)
        cleaned = _without_reserved(
            collection.validate(fields, record_id=record_id, existing=None, team_id=team_id, actor=actor))
        collection.check_new_id(actor, record_id, team_id, cleaned, taken=taken)
        # nothing was written to the record yet: the merge takes every field and finds no conflict
        merged = created_state(cleaned, hlc)
        rec = StoredRecord(collection.name, record_id, team_id, actor.user_id, state.now, state.now, 0,
                           merged["fields"], merged["hlcs"], merged["owners"], {actor.client_id: actor.user_id})
        state.stamp(rec)
        return rec

    def _update(self, state: _PushState, collection: Collection, rec: StoredRecord, team_in: Any,
                fields: dict, hlc: str) -> None:
        actor = state.actor
        if not actor.can_write(rec.team_id):
            raise Rejected("forbidden", "You may not change this team's records.")
        if team_in is not _MISSING and team_in != rec.team_id:
            raise Rejected("immutable_field", "team_id cannot change.", {"team_id": ["Cannot change."]})
        if rec.deleted:
            result = merge_upsert(rec.merge_state(), fields, hlc)
            self._log(state, rec, result.conflicts)
            raise Rejected("record_deleted", "This record was deleted; the change was not applied.")
        info = self._info(rec)
        collection.check_update(actor, info)
        changed_immutable = sorted(
            f for f in collection.immutable_fields if f in fields and f in rec.fields and not json_equal(fields[f], rec.fields[f])
        )
        if changed_immutable:
            raise Rejected("immutable_field", "Some fields cannot change.",
                           {f: ["Cannot change."] for f in changed_immutable})
        cleaned = _without_reserved(
            collection.validate(fields, record_id=rec.record_id, existing=info, team_id=rec.team_id, actor=actor))
        result: MergeResult = merge_upsert(rec.merge_state(), cleaned, hlc)
        self._log(state, rec, result.conflicts)
        if result.changed:
            rec.fields = result.state["fields"]
            rec.hlcs = result.state["hlcs"]
            rec.owners = result.state["owners"]
            rec.writers[actor.client_id] = actor.user_id
            if result.changed_fields:
                state.stamp(rec)
            else:
                state.touch(rec)  # only the owners changed: nothing new for clients

    # ------------------------------------------------------------------------------------------
    # pull
    # ------------------------------------------------------------------------------------------
    def _check_limit(self, limit: Any) -> int:
        if limit is None:
            return self.default_pull_limit
        if not _is_int(limit) or not 1 <= limit <= self.max_pull_limit:
            raise SyncError(422, "validation_error", f"limit must be 1-{self.max_pull_limit}.",
                            {"fields": {"limit": [f"Must be an integer from 1 to {self.max_pull_limit}."]}})
        return limit

    @staticmethod
    def change_for(rec: StoredRecord) -> dict:
        """A pulled change: the pinned keys, plus ``hlc`` and ``hlcs``, the field hlcs in the
        compact form of :func:`~sync.hlc.compact_hlcs` (a tombstone: null and empty)."""
        record: dict[str, Any] = {} if rec.deleted else dict(rec.fields)
        for key, attribute in RECORD_META:
            record[key] = getattr(rec, attribute)
        hlc, hlcs = (None, {}) if rec.deleted else compact_hlcs(rec.hlcs)
        return dict(zip(CHANGE_KEYS, (rec.collection, rec.record_id, rec.deleted, record, hlc, hlcs), strict=True))

    def changes_for(self, records: list[StoredRecord], windows: Sequence[WindowFilter] = ()) -> list[Any]:
        """The wire changes of one team's records for a pull page (a seam: a store that reads
        changes already encoded can pass them on in bulk). A record a window sends as a left
        notice becomes a tombstone marked ``"left": true``."""
        out = []
        for rec in records:
            if any(w.leaves(rec) for w in windows):
                left = rec.copy()
                left.deleted = True
                out.append({**self.change_for(left), "left": True})
            else:
                out.append(self.change_for(rec))
        return out

    def windows_for(self, actor: Actor, team_id: str, starts: dict[str, str], leaving_since: Optional[str]
                    ) -> tuple[WindowFilter, ...]:
        """What the actor's devices keep of each windowed collection in one team."""
        return tuple(
            WindowFilter(name, c.window.field, starts[name],
                         actor.user_id if c.window.own_only(actor, team_id) else None, leaving_since)
            for name, c in sorted(self.collections.items()) if c.window is not None
        )

    def _own_teams(self, actor: Actor, team_ids: Iterable[str]) -> frozenset[str]:
        windowed = [c for c in self.collections.values() if c.window is not None]
        return frozenset(t for t in team_ids if any(c.window.own_only(actor, t) for c in windowed))

    def pull(self, actor: Actor, cursor: Optional[str], limit: Optional[int] = None) -> dict:
        """Changes after ``cursor`` in the teams ``actor`` may read; see docs/sync-protocol.md.

        Reads, in this order: the device's ``last_mutation_id``, each team's counter, then the
        team's records up to that counter. Pull is a pure function of the cursor, the committed
        state and the calendar (sync windows move with it)."""
        limit = self._check_limit(limit)
        state = decode_cursor_state(cursor)
        positions = state.positions
        readable = sorted(actor.readable_team_ids)
        now_ms = self.clock_ms()
        starts = {name: c.window.start() for name, c in self.collections.items() if c.window is not None}
        own = self._own_teams(actor, readable)
        if state.issued is not None:
            leaving_since: Optional[str] = format_time(
                min(now_ms, _ms_or(state.issued, now_ms) + _LEFT_NOTICE_MARGIN_MS))
        else:
            leaving_since = format_time(now_ms)  # a cursor from before windows: anything may be on the device
        done, total = state.progress or (0, 0)
        with self.store.snapshot() as tx:
            device = tx.get_device(actor.client_id)
            last_id = device.last_mutation_id if device is not None else 0
            teams = tx.get_teams(readable)
            drops = sorted(t for t in positions if t not in actor.readable_team_ids)
            plan: list[tuple[str, TeamPosition, int]] = []
            for team_id in readable:
                team = teams[team_id]
                top = team.version
                pos = positions.get(team_id)
                scope_moved = (team_id in own) != (state.own is not None and team_id in state.own)
                if pos is None:  # newly readable (or first pull): full copy, nothing to drop
                    pos = TeamPosition(0, top)
                elif scope_moved and starts:
                    drops.append(team_id)  # what the device keeps of the team changed (a promotion)
                    pos = TeamPosition(0, top)
                elif pos.full_since is None:
                    if pos.version < team.horizon or pos.version > top:
                        drops.append(team_id)  # too old (tombstones purged) or from another database
                        pos = TeamPosition(0, top)
                elif team.horizon > pos.full_since or pos.full_since > top or pos.version > top:
                    drops.append(team_id)  # a purge overtook an unfinished full copy
                    pos = TeamPosition(0, top)
                if pos.full_since is not None and pos.version == 0 and positions.get(team_id) != pos:
                    total += tx.count_live(team_id, top, self.windows_for(actor, team_id, starts, None))
                plan.append((team_id, pos, top))

            changes: list[Any] = []
            count = 0
            out: dict[str, TeamPosition] = {}
            has_more = False
            for team_id, pos, top in plan:
                skip = pos.full_since or 0
                if has_more:
                    out[team_id] = pos
                    continue
                if pos.version >= top:
                    out[team_id] = TeamPosition(top)
                    continue
                room = limit - count
                windows = self.windows_for(actor, team_id, starts, None if pos.full_since is not None else leaving_since)
                rows = tx.list_changes(team_id, pos.version, top, room + 1, skip, windows)
                if len(rows) > room:
                    rows = rows[:room]
                    has_more = True
                    out[team_id] = TeamPosition(rows[-1].version, pos.full_since) if rows else pos
                else:
                    out[team_id] = TeamPosition(top)
                changes.extend(self.changes_for(rows, windows))
                count += len(rows)
                if pos.full_since is not None:
                    done += len(rows)
        copying = any(p.full_since is not None for p in out.values())
        progress = (min(done, total), total) if copying and total else None
        page = {
            "changes": changes,
            "cursor": encode_cursor(out, issued=format_time(now_ms), own=own, progress=progress),
            "has_more": has_more,
            "last_mutation_id": last_id,
            "drop_teams": sorted(set(drops)),
            "server_time": self.server_time(),
        }
        if starts:
            page["windows"] = {name: {"field": self.collections[name].window.field, "from": start}
                               for name, start in sorted(starts.items())}
        if total:  # the page that finishes a copy says so too (done = total)
            page["progress"] = {"done": total if not copying else min(done, total), "total": total}
        return page

    # ------------------------------------------------------------------------------------------
    # conflicts & maintenance
    # ------------------------------------------------------------------------------------------
    def conflicts(self, actor: Actor, team_id: str, since: Optional[str] = None, limit: int = 1000) -> dict:
        if not isinstance(team_id, str) or not actor.can_read(team_id):
            raise SyncError(403, "forbidden", "You may not read this team.")
        since_norm = None
        if since not in (None, ""):
            try:
                since_norm = _parse_iso(since)  # type: ignore[arg-type]
            except (ValueError, TypeError, HlcError):
                raise SyncError(422, "validation_error", "since must be an ISO 8601 time.",
                                {"fields": {"since": ["Not an ISO 8601 time."]}}) from None
        with self.store.snapshot() as tx:
            rows = tx.list_conflicts(team_id, since_norm, limit)
        return {"conflicts": [c.to_wire() for c in rows]}

    def purge(self, now_ms: Optional[int] = None) -> dict:
        """Delete tombstones and log rows older than the retention period; raise each team's
        horizon past the purged tombstones so older cursors get the team dropped and re-sent."""
        now_ms = self.clock_ms() if now_ms is None else now_ms
        cutoff = format_time(max(now_ms - self.retention_days * _DAY_MS, 0))
        raised: dict[str, int] = {}
        with self.store.snapshot() as tx:
            team_ids = tx.list_team_ids()
        for team_id in team_ids:
            with self.store.transaction() as tx:
                # same lock order as a push: record rows first, then the team counter
                highest = tx.purge_tombstones(team_id, cutoff)
                team = tx.lock_teams([team_id])[team_id]
                if highest > team.horizon:
                    team.horizon = highest
                    tx.save_team(team)
                    raised[team_id] = highest
        with self.store.transaction() as tx:
            logs = tx.purge_logs(cutoff)
        return {"cutoff": cutoff, "horizons": raised, "log_rows": logs}
