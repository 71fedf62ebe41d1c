"""Measures and their weeks written through the sync API, for the box score's browser tests.

`seed_signals` gives a team one measure for every kind of signal the box score shows (each
variation icon, high and low, and each assurance icon), entered by hand or worked out from
capacity entries, with values that produce them; test_boxscore.py checks what each shows, and that
the device's analysis is the server's.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from server.measures.models import measure_value_id

# A 12-week baseline: mean 41.17, mean moving range 1.82, process limits 36.33 to 46.00; it ends
# below the mean, so 7 more points on either side make a run of 7 (a shift).
BASELINE = [40, 42, 41, 43, 39, 41, 42, 40, 41, 43, 42, 40]
HIGH = BASELINE + [42, 43, 42, 43, 42, 43, 42]
LOW = BASELINE + [40, 39, 40, 39, 40, 39, 40]
# Minutes of time lost a week: steady, then a week far above the upper limit.
TIME_LOST = [120, 150, 135, 165, 105, 135, 150, 120, 135, 165, 150, 120, 140, 130, 125, 150, 135, 140, 420]


def api_push(world, user: dict, mutations: list[dict]) -> list[dict]:
    """Write records as `user` from a fresh device through the sync API (as another phone would)."""
    device = world.server.login(user["email"], device_name="api")
    now = world.server.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"  # the server's clock, not this machine's
    body = {"client_id": device["device_id"], "schema_version": 1, "mutations": [
        {"id": i + 1, "op": "upsert", "hlc": f"{now}-{i:04x}-{device['device_id']}", **m} for i, m in enumerate(mutations)]}
    status, res = world.server.call("POST", "/api/sync/push", body, token=device["token"])
    assert status == 200, res
    assert all(r["status"] == "applied" for r in res["results"]), res
    return res["results"]


def measure(world, name: str, group: str = "capacity", **fields) -> dict:
    return {"collection": "measures", "record_id": str(uuid.uuid4()),
            "fields": {"team_id": world.team["id"], "name": name, "group": group, **fields}}


def this_monday(world) -> date:
    today = world.server.today()
    return today - timedelta(days=today.weekday())


def weekly_values(world, m: dict, values: list[float]) -> list[dict]:
    """One measure_values record a week, the last one this week."""
    monday = this_monday(world)
    first = monday - timedelta(weeks=len(values) - 1)
    weeks = [(first + timedelta(weeks=i)).isoformat() for i in range(len(values))]
    return [{"collection": "measure_values", "record_id": measure_value_id(m["record_id"], week),
             "fields": {"team_id": world.team["id"], "measure_id": m["record_id"], "week_start": week, "value": value}}
            for week, value in zip(weeks, values)]


def weekly_entries(world, kind: str, minutes: list[int], category: str | None = None) -> list[dict]:
    """One capacity entry a week (on its Tuesday, this week's on Monday), the last one this week."""
    monday = this_monday(world)
    first = monday - timedelta(weeks=len(minutes) - 1)
    days = [first + timedelta(weeks=i, days=1) for i in range(len(minutes) - 1)] + [monday]
    return [{"collection": "capacity_entries", "record_id": str(uuid.uuid4()),
             "fields": {"team_id": world.team["id"], "kind": kind, "minutes": m, "occurred_on": day.isoformat(),
                        "category": category}}
            for day, m in zip(days, minutes)]


def seed_signals(world, user: dict) -> dict[str, dict]:
    """The team's box score with every kind of signal; returns the measure records by a short key.

    key: (variation, side, assurance) as the analysis gives them.
    """
    made = {
        # improvement, high; target below the lower limit when up is better: consistently passing
        "improvement_high": (measure(world, "Patients seen", "performance", unit="patients", direction="up",
                                     target=30, subgroup="access"), HIGH),
        # improvement, low; target inside the limits: hit and miss (a measure in tenths of a day)
        "improvement_low": (measure(world, "Length of stay", "performance", unit="days", direction="down",
                                    target=4.2, subgroup="flow"), [x / 10 for x in LOW]),
        # concern, high; target below the lower limit when down is better: consistently failing
        "concern_high": (measure(world, "Falls", "performance", unit="falls", direction="down", target=1,
                                 subgroup="safety"), [x - 35 for x in HIGH]),
        # concern, low, in percent; no target
        "concern_low": (measure(world, "Discharges before noon", "performance", unit="%", direction="up",
                                subgroup="flow"), [x + 20 for x in LOW]),
        # neither better nor worse, high and low
        "neutral_high": (measure(world, "Referrals", "performance", unit="referrals", direction="neutral",
                                 target=50), [x + 10 for x in HIGH]),
        "neutral_low": (measure(world, "Did not attends", "performance", unit="patients", direction="neutral"),
                        [x - 30 for x in LOW]),
    }
    derived = measure(world, "Time lost", source="derived", derived_kind="time_lost", derived_unit="hours",
                      direction="down", target=2)
    mutations = [m for m, _ in made.values()] + [derived]
    for m, values in made.values():
        mutations += weekly_values(world, m, values)
    mutations += weekly_entries(world, "time_lost", TIME_LOST, "Waiting")
    api_push(world, user, mutations)
    return {**{key: m for key, (m, _) in made.items()}, "derived_concern_high": derived}
