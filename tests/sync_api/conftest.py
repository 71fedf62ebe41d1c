"""Fixtures for the sync endpoints: phones (devices that sync through the real HTTP API), mutations,
a store that can pause a push inside its transaction, and direct views of the database."""

from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pytest
import sqlalchemy as sa

from server.core import clock
from server.core.weeks import week_start
from server.extensions import db
from server.sync_api.models import SyncRecord
from server.sync_api.registry import sync_setup
from server.sync_api.store import SqlStore, SqlTx
from sync import Hlc, SyncClient
from sync.hlc import system_ms

# Yesterday in London by the one clock: inside every device's sync window (16 weeks of entries) and
# never in the future, whatever the calendar says (a fixed date would fall out of the window).
TODAY = (clock.today() - timedelta(days=1)).isoformat()
TODAY_WEEK = week_start(date.fromisoformat(TODAY)).isoformat()  # the week of TODAY's weekly totals


def entry(team_id: str, **over: Any) -> dict:
    fields = {"team_id": team_id, "kind": "time_lost", "minutes": 15, "occurred_on": TODAY,
              "category": "Searching for equipment", "note": "hoist"}
    fields.update(over)
    return {k: v for k, v in fields.items() if v is not ...}


@dataclass
class Phone:
    """A device signed in through the API, with the reference client (``sync.SyncClient``) on it."""

    api: Any  # tests.conftest.ApiClient
    client: SyncClient
    user_id: str
    sent: list = field(default_factory=list)  # every (kind, payload, status, body) exchanged

    @property
    def id(self) -> str:
        return self.api.device_id

    def send(self, kind: str, payload: dict) -> tuple[int, dict]:
        if kind == "push":
            response = self.api.post("/api/sync/push", json=payload)
        else:
            response = self.api.get("/api/sync/pull", query_string=payload)
        self.sent.append((kind, payload, response.status_code, response.json))
        return response.status_code, response.json

    def sync(self) -> None:
        self.client.sync(self.send)

    def upsert(self, record_id: str, fields: dict) -> dict:
        return self.client.upsert("capacity_entries", record_id, fields)

    def delete(self, record_id: str) -> dict:
        return self.client.delete("capacity_entries", record_id)

    # raw protocol, for tests that bypass the reference client
    def mutation(self, record_id: str, fields: Optional[dict] = None, *, op: str = "upsert", mid: Optional[int] = None,
                 hlc: Optional[str] = None, collection: str = "capacity_entries") -> dict:
        if mid is None:
            mid = self.client.next_id
            self.client.next_id += 1
        m = {"id": mid, "collection": collection, "record_id": record_id, "op": op,
             "hlc": hlc or self.client.clock.now()}
        if op == "upsert":
            m["fields"] = fields or {}
        return m

    def body(self, *mutations: dict, schema_version: int = 1) -> dict:
        return {"client_id": self.id, "schema_version": schema_version, "mutations": list(mutations)}

    def push(self, *mutations: dict, expect: int = 200) -> dict:
        response = self.api.post("/api/sync/push", json=self.body(*mutations))
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json

    def pull(self, cursor: str = "", limit: int = 500, expect: int = 200) -> dict:
        response = self.api.get("/api/sync/pull", query_string={"cursor": cursor, "limit": limit})
        assert response.status_code == expect, response.get_data(as_text=True)
        return response.json

    def view(self, collection: str = "capacity_entries") -> dict:
        """Live records of one collection as the user sees them: {record_id: record}."""
        return {key[1]: rec for key, rec in self.client.view().items() if key[0] == collection}


@pytest.fixture
def phone(login):
    """phone(user, name=..., wall_ms=...) -> Phone"""

    def make(user, name: str = "Phone", wall_ms: Callable[[], int] = system_ms) -> Phone:
        api = login(user, name)
        return Phone(api, SyncClient(api.device_id, Hlc(api.device_id, wall_ms)), user.id)

    return make


@pytest.fixture
def team_world(make_team, make_user, phone):
    """Team A with a lead, two members and a coach; team B with its own member."""

    @dataclass
    class World:
        team: Any
        other_team: Any
        lead: Any
        ann: Any
        bob: Any
        coach: Any
        outsider: Any

    team, other = make_team(name="Ward A"), make_team(name="Ward B")
    return World(team, other, lead=make_user(team=team, team_role="lead"), ann=make_user(team=team),
                 bob=make_user(team=team), coach=make_user("coach", coach_of=[team]), outsider=make_user(team=other))


def new_id() -> str:
    return str(uuid.uuid4())


def server_records(team_id: Optional[str] = None, *, live_only: bool = True,
                   collection: str = "capacity_entries") -> dict[str, dict]:
    """The database's records of one collection: {record_id: {**fields, team_id, user_id, deleted}}."""
    query = sa.select(SyncRecord).where(SyncRecord.collection == collection)
    if team_id is not None:
        query = query.where(SyncRecord.team_id == team_id)
    db.session.expire_all()
    rows = db.session.scalars(query).all()
    db.session.commit()
    return {r.record_id: {**r.data, "team_id": r.team_id, "user_id": r.user_id, "deleted": r.deleted}
            for r in rows if not (live_only and r.deleted)}


def view_fields(view: dict) -> dict[str, dict]:
    """A phone's view reduced to what the server stores (drop created/updated times and ids)."""
    return {rid: {k: v for k, v in rec.items() if k not in ("id", "created_at", "updated_at")}
            for rid, rec in view.items()}


class PausingStore(SqlStore):
    """Pauses the first ``pauses`` pushes inside their transaction, after writing their records."""

    def __init__(self, projectors, pauses: int = 1, window_fields=None) -> None:
        super().__init__(projectors, window_fields=window_fields)
        self.paused = threading.Event()  # set while a push waits inside its transaction
        self.release = threading.Event()
        self.pauses = pauses
        self._lock = threading.Lock()

    def after_put(self, count: int) -> None:
        with self._lock:
            if self.pauses <= 0:
                return
            self.pauses -= 1
        self.paused.set()
        assert self.release.wait(30), "never released"


@pytest.fixture
def pausing_store(app):
    """Installs a :class:`PausingStore` as the app's sync store (and restores the real one)."""
    engine = sync_setup(app).engine
    original = engine.store

    def install(store_class=PausingStore, **kwargs):
        engine.store = store_class(sync_setup(app).projectors, window_fields=sync_setup(app).window_fields, **kwargs)
        return engine.store

    yield install
    if isinstance(engine.store, PausingStore):
        engine.store.release.set()
    engine.store = original


class Background(threading.Thread):
    """Runs ``fn`` in a thread and keeps its result or exception."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.fn, self.result, self.error = fn, None, None
        self.start()

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - reported by value()
            self.error = exc

    def value(self, timeout: float = 30) -> Any:
        self.join(timeout)
        assert not self.is_alive(), "still running"
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture
def helpers():
    """The module-level helpers, for test modules (which cannot import this conftest)."""

    class Helpers:
        pass

    h = Helpers()
    h.entry, h.new_id, h.server_records, h.view_fields = entry, new_id, server_records, view_fields
    h.Background, h.PausingStore, h.SqlTx, h.TODAY = Background, PausingStore, SqlTx, TODAY
    h.TODAY_WEEK = TODAY_WEEK
    return h
