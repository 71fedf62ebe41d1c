"""Helpers for the sync engine tests: a controllable clock, the example ``capacity_entries``
collection (the server writes its own with marshmallow), engines and actors."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any, Optional

from sync import Actor, Collection, MemoryStore, Rejected, SyncEngine, author_or_lead, format_hlc, parse_time

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "sync"
T0 = parse_time("2026-11-26T10:00:00.000Z")
TEAM_A = "team-a"
TEAM_B = "team-b"
HOUR = 3_600_000


def load_vectors(name: str) -> dict:
    return json.loads((VECTORS / name).read_text())


class FakeClock:
    """Epoch milliseconds under the test's control (also usable as ``wall_ms`` of an Hlc)."""

    def __init__(self, ms: int = T0) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, ms: int) -> None:
        self.ms += ms


KINDS = ("time_lost", "meeting", "admin")
CAPACITY_FIELDS = ("kind", "minutes", "occurred_on", "category", "note")


def capacity_validator(clock: FakeClock):
    def validate(fields: dict, *, record_id: str, existing: Any, team_id: str, actor: Actor) -> dict:
        errors: dict[str, list[str]] = {}
        for name in fields:
            if name not in CAPACITY_FIELDS:
                errors[name] = ["Unknown field."]
        if existing is None:
            for name in ("kind", "minutes", "occurred_on"):
                if name not in fields:
                    errors[name] = ["Required."]
        if "kind" in fields and fields["kind"] not in KINDS:
            errors["kind"] = [f"Must be one of {', '.join(KINDS)}."]
        if "minutes" in fields:
            m = fields["minutes"]
            if not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= 1440:
                errors["minutes"] = ["Must be a whole number from 1 to 1440."]
        if "occurred_on" in fields:
            try:
                day = dt.date.fromisoformat(fields["occurred_on"])
                today = dt.datetime.fromtimestamp(clock() / 1000, dt.timezone.utc).date()
                if day > today + dt.timedelta(days=1):
                    errors["occurred_on"] = ["Not more than one day in the future."]
            except (TypeError, ValueError):
                errors["occurred_on"] = ["Must be a date (YYYY-MM-DD)."]
        for name, size in (("category", 80), ("note", 500)):
            if name in fields and fields[name] is not None:
                if not isinstance(fields[name], str) or len(fields[name]) > size:
                    errors[name] = [f"Text of at most {size} characters."]
        if errors:
            raise Rejected("validation_error", "Some fields are invalid.", errors)
        return dict(fields)

    return validate


def capacity_collection(clock: FakeClock) -> Collection:
    return Collection(
        "capacity_entries",
        validate=capacity_validator(clock),
        can_update=author_or_lead,
        can_delete=author_or_lead,
    )


def make_engine(clock: Optional[FakeClock] = None, store: Any = None, **kw: Any) -> SyncEngine:
    clock = clock or FakeClock()
    engine = SyncEngine(store if store is not None else MemoryStore(), clock_ms=clock, **kw)
    engine.register(capacity_collection(clock))
    return engine


def actor(user: str, client: str, teams=(TEAM_A,), lead=(), read_only=()) -> Actor:
    return Actor(user, client, readable_team_ids=set(teams) | set(read_only), writable_team_ids=set(teams),
                 lead_team_ids=set(lead))


def entry(team: str = TEAM_A, **over: Any) -> dict:
    fields = {"team_id": team, "kind": "time_lost", "minutes": 15, "occurred_on": "2026-11-26",
              "category": "searching for equipment", "note": "hoist"}
    fields.update(over)
    return fields


def new_id() -> str:
    return str(uuid.uuid4())


def hlc(ms: int, client: str, counter: int = 0) -> str:
    return format_hlc(ms, counter, client)


def mutation(mid: int, client: str, ms: int, record_id: str, fields: Optional[dict] = None, *,
             op: str = "upsert", counter: int = 0, collection: str = "capacity_entries") -> dict:
    m = {"id": mid, "collection": collection, "record_id": record_id, "op": op, "hlc": hlc(ms, client, counter)}
    if op == "upsert":
        m["fields"] = fields or {}
    return m


def push_body(client: str, mutations: list, schema_version: int = 1) -> dict:
    return {"client_id": client, "schema_version": schema_version, "mutations": mutations}


def pull_all(engine: SyncEngine, who: Actor, cursor: str = "", limit: int = 500) -> tuple[dict, str, list]:
    """Page until has_more is false; returns (replica {key: change}, cursor, responses)."""
    replica: dict = {}
    pages = []
    while True:
        page = engine.pull(who, cursor, limit)
        pages.append(page)
        for t in page["drop_teams"]:
            replica = {k: v for k, v in replica.items() if v["record"]["team_id"] != t}
        for ch in page["changes"]:
            key = (ch["collection"], ch["record_id"])
            if ch["deleted"]:
                replica.pop(key, None)
            else:
                replica[key] = ch
        cursor = page["cursor"]
        if not page["has_more"]:
            return replica, cursor, pages


def server_view(store: MemoryStore, teams=None) -> dict:
    return {
        k: r for k, r in store.records.items()
        if not r.deleted and (teams is None or r.team_id in teams)
    }
