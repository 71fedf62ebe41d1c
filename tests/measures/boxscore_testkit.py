"""Helpers for the box score tests: typed rows written directly, and a fixed "now"."""

from __future__ import annotations

import uuid
from datetime import date

from server.capacity.models import CapacityWeeklyTotal, TimeLostCategory
from server.core import clock
from server.extensions import db
from server.measures.models import measure_value_id
from server.measures.models import Measure, MeasureValue
from server.measures.schemas import MEASURE_DEFAULTS


def stand_at(monkeypatch, instant: str) -> clock.FrozenClock:
    """Stop the server's clock at ``instant`` (ISO 8601, UTC) for the rest of the test; the test
    moves it on with ``advance``."""
    frozen = clock.FrozenClock(instant)
    monkeypatch.setattr(clock, "_source", frozen)
    return frozen


def add_measure(team, name="Patients seen", group="performance", **fields) -> Measure:
    now = clock.now()
    m = Measure(id=str(uuid.uuid4()), team_id=team.id, name=name, group=group,
                **{**MEASURE_DEFAULTS, **fields}, created_at=now, updated_at=now)
    db.session.add(m)
    db.session.commit()
    return m


def add_values(team, measure, values: dict[str, float], user_id="u") -> None:
    now = clock.now()
    for week, value in values.items():
        db.session.add(MeasureValue(id=measure_value_id(measure.id, week), team_id=team.id, measure_id=measure.id,
                                    week_start=date.fromisoformat(week), value=value, user_id=user_id,
                                    created_at=now, updated_at=now))
    db.session.commit()


def add_totals(team, rows: list[tuple[str, str, str, int]]) -> None:
    """rows: (week_start, kind, category, minutes), written straight into the weekly totals table."""
    for week, kind, category, minutes in rows:
        db.session.add(CapacityWeeklyTotal(team_id=team.id, week_start=date.fromisoformat(week), kind=kind,
                                           category=category, minutes=minutes, entries=1))
    db.session.commit()


def add_category(team, name, former_names=()) -> TimeLostCategory:
    now = clock.now()
    c = TimeLostCategory(id=str(uuid.uuid4()), team_id=team.id, name=name, former_names=list(former_names),
                         position=0, archived=False, created_at=now, updated_at=now)
    db.session.add(c)
    db.session.commit()
    return c


def rows_by_name(body: dict) -> dict[str, dict]:
    return {m["name"]: m for g in body["groups"] for m in g["measures"]}


def series(row: dict) -> list:
    return [p["value"] for p in row["series"]]


class Device:
    """One signed-in device pushing mutations through /api/sync/push, with consecutive ids and fresh hlcs."""

    def __init__(self, api):
        self.api = api
        self.next_id = 1
        self.counter = 0

    def hlc(self) -> str:
        from sync import format_hlc

        # The device's clock agrees with the server's (frozen or not), as after its first sync.
        self.counter += 1
        return format_hlc(clock.now_ms(), self.counter, self.api.device_id)

    def push(self, *mutations: dict) -> list[dict]:
        body = []
        for m in mutations:
            body.append({"id": self.next_id, "hlc": self.hlc(), **m})
            self.next_id += 1
        response = self.api.post("/api/sync/push", json={"client_id": self.api.device_id, "schema_version": 1,
                                                          "mutations": body})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json["results"]

    def push_one(self, collection: str, record_id: str, fields: dict | None = None, op: str = "upsert") -> dict:
        m = {"collection": collection, "record_id": record_id, "op": op}
        if fields is not None:
            m["fields"] = fields
        return self.push(m)[0]


def upsert(collection: str, record_id: str, **fields) -> dict:
    return {"collection": collection, "record_id": record_id, "op": "upsert", "fields": fields}


def new_id() -> str:
    return str(uuid.uuid4())


def ward_with_lead(make_team, make_user, login):
    """A team with contracted hours, and its lead signed in: (team, ApiClient)."""
    team = make_team(name="Ward 7", contracted_hours_per_week=100)
    return team, login(make_user(team=team, team_role="lead"))
