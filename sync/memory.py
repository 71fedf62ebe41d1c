"""An in-memory :class:`sync.store.Store` for tests and simulations.

Transactions are serialised by one lock and buffer their writes: nothing is visible to
others (or kept at all) unless the ``with`` block exits normally, so an exception in the
middle of a push leaves the store exactly as before, like a database rollback.
"""
from __future__ import annotations

import copy
import threading
from contextlib import contextmanager
from typing import Iterator, Optional, Sequence

from .store import ConflictEntry, DeviceState, RecordKey, RejectedMutation, StoredRecord, TeamState, WindowFilter

__all__ = ["MemoryStore", "MemoryTx"]


class MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.devices: dict[str, DeviceState] = {}
        self.teams: dict[str, TeamState] = {}
        self.records: dict[RecordKey, StoredRecord] = {}
        self.conflicts: list[ConflictEntry] = []
        self.rejections: list[RejectedMutation] = []
        self.commits = 0  # number of committed write transactions (handy in tests)

    @contextmanager
    def transaction(self) -> Iterator["MemoryTx"]:
        with self._lock:
            tx = MemoryTx(self, writable=True)
            yield tx
            tx._commit()

    @contextmanager
    def snapshot(self) -> Iterator["MemoryTx"]:
        with self._lock:
            yield MemoryTx(self, writable=False)

    # convenience for tests -----------------------------------------------------------------
    def live_records(self, team_id: Optional[str] = None) -> dict[RecordKey, StoredRecord]:
        with self._lock:
            return {
                k: r.copy() for k, r in self.records.items()
                if not r.deleted and (team_id is None or r.team_id == team_id)
            }


class MemoryTx:
    def __init__(self, store: MemoryStore, writable: bool) -> None:
        self._s = store
        self._writable = writable
        self._devices: dict[str, DeviceState] = {}
        self._teams: dict[str, TeamState] = {}
        self._records: dict[RecordKey, StoredRecord] = {}
        self._conflicts: list[ConflictEntry] = []
        self._rejections: list[RejectedMutation] = []
        self._purged_records: set[RecordKey] = set()
        self._purge_logs_before: Optional[str] = None

    def _check_writable(self) -> None:
        if not self._writable:
            raise RuntimeError("write inside a read-only snapshot")

    def _commit(self) -> None:
        s = self._s
        s.devices.update(self._devices)
        s.teams.update(self._teams)
        for key in self._purged_records:
            s.records.pop(key, None)
        s.records.update(self._records)
        if self._purge_logs_before is not None:
            cutoff = self._purge_logs_before
            s.conflicts[:] = [c for c in s.conflicts if c.at >= cutoff]
            s.rejections[:] = [r for r in s.rejections if r.at >= cutoff]
        s.conflicts.extend(self._conflicts)
        s.rejections.extend(self._rejections)
        if self._writable:
            s.commits += 1

    # --- push ---------------------------------------------------------------------------------
    def lock_device(self, client_id: str, user_id: str) -> DeviceState:
        self._check_writable()
        state = self.get_device(client_id)
        return state if state is not None else DeviceState(client_id, user_id)

    def lock_records(self, keys: Sequence[RecordKey]) -> dict[RecordKey, StoredRecord]:
        out = {}
        for key in keys:
            rec = self._records.get(key) or (None if key in self._purged_records else self._s.records.get(key))
            if rec is not None:
                out[key] = rec.copy()
        return out

    def lock_teams(self, team_ids: Sequence[str]) -> dict[str, TeamState]:
        self._check_writable()
        return self.get_teams(sorted(team_ids))

    def put_records(self, records: Sequence[StoredRecord]) -> Sequence[StoredRecord]:
        self._check_writable()
        for rec in records:
            self._records[rec.key] = rec.copy()
            self._purged_records.discard(rec.key)
        return ()

    def save_team(self, state: TeamState) -> None:
        self._check_writable()
        self._teams[state.team_id] = copy.copy(state)

    def save_device(self, state: DeviceState) -> None:
        self._check_writable()
        self._devices[state.client_id] = copy.copy(state)

    def add_conflicts(self, entries: Sequence[ConflictEntry]) -> None:
        self._check_writable()
        self._conflicts.extend(copy.deepcopy(list(entries)))

    def add_rejections(self, entries: Sequence[RejectedMutation]) -> None:
        self._check_writable()
        self._rejections.extend(copy.deepcopy(list(entries)))

    def get_rejections(self, client_id: str, mutation_ids: Sequence[int]) -> dict[int, RejectedMutation]:
        wanted = set(mutation_ids)
        return {
            r.mutation_id: copy.deepcopy(r)
            for r in self._s.rejections + self._rejections
            if r.client_id == client_id and r.mutation_id in wanted
        }

    # --- reads ----------------------------------------------------------------------------------
    def get_device(self, client_id: str) -> Optional[DeviceState]:
        state = self._devices.get(client_id) or self._s.devices.get(client_id)
        return copy.copy(state) if state is not None else None

    def get_teams(self, team_ids: Sequence[str]) -> dict[str, TeamState]:
        out = {}
        for team_id in team_ids:
            state = self._teams.get(team_id) or self._s.teams.get(team_id)
            out[team_id] = copy.copy(state) if state is not None else TeamState(team_id)
        return out

    def _all_records(self) -> dict[RecordKey, StoredRecord]:
        merged = {k: r for k, r in self._s.records.items() if k not in self._purged_records}
        merged.update(self._records)
        return merged

    def list_changes(
        self, team_id: str, after: int, upto: int, limit: int, skip_tombstones_upto: int = 0,
        windows: Sequence[WindowFilter] = (),
    ) -> list[StoredRecord]:
        found = [
            r for r in self._all_records().values()
            if r.team_id == team_id and after < r.version <= upto
            and not (r.deleted and r.version <= skip_tombstones_upto)
            and all(w.sends(r) for w in windows)
        ]
        found.sort(key=lambda r: r.version)
        return [r.copy() for r in found[:limit]]

    def count_live(self, team_id: str, upto: int, windows: Sequence[WindowFilter] = ()) -> int:
        return sum(1 for r in self._all_records().values()
                   if r.team_id == team_id and r.version <= upto and not r.deleted and all(w.sends(r) for w in windows))

    def list_conflicts(self, team_id: str, since: Optional[str], limit: int) -> list[ConflictEntry]:
        found = [
            c for c in self._s.conflicts + self._conflicts
            if c.team_id == team_id and (since is None or c.at >= since)
        ]
        return copy.deepcopy(found[:limit])

    # --- maintenance ------------------------------------------------------------------------------
    def list_team_ids(self) -> list[str]:
        return sorted(set(self._s.teams) | set(self._teams))

    def purge_tombstones(self, team_id: str, before: str) -> int:
        self._check_writable()
        highest = 0
        for key, rec in self._all_records().items():
            if rec.team_id == team_id and rec.deleted and rec.updated_at < before:
                highest = max(highest, rec.version)
                self._records.pop(key, None)
                self._purged_records.add(key)
        return highest

    def purge_logs(self, before: str) -> int:
        self._check_writable()
        self._purge_logs_before = before
        return sum(1 for c in self._s.conflicts if c.at < before) + sum(
            1 for r in self._s.rejections if r.at < before
        )
