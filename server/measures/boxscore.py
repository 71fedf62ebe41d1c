"""The team box score: every active measure's weekly series, this week, last week and its chart.

Two layers, so the PWA can prove it computes the same thing offline:

* :func:`compute` is pure: plain inputs (measures, weekly capacity minutes, manual values,
  categories, contracted hours, the current week) in, JSON-ready groups out. The shared vectors in
  ``tests/vectors/boxscore/`` pin its answers; ``pwa/`` ports it.
* :func:`box_score` reads those inputs for one team (:func:`box_scores` for many at once) in four
  indexed queries (measures, manual values, weekly capacity totals, categories; none per week, per
  measure or per team) and calls :func:`compute`.

Rules (where the issue was silent the choice is marked *chosen*):

* Weeks are Mondays in Europe/London (:mod:`server.core.weeks`); "this week" is the week that
  holds "now" in London, "last week" the one before. Weeks after this week are ignored.
* Manual measures: the value entered for the week, else ``None``.
* Derived measures sum the ``CapacityWeeklyTotal`` minutes of the measure's kind (and, for a
  category measure, of entries whose category equals the category's current name or one of its
  ``former_names``, compared exactly). ``hours = round6(minutes / 60)``;
  ``percent_of_contracted = round6(minutes / 60 / contracted_hours_per_week * 100)``, ``None`` when the
  team has no (or zero) contracted hours. ``round6(x) = floor(x * 1e6 + 0.5) / 1e6`` as in ``spc``.
  From the team's first week with any capacity entry on, a week without entries is 0; before it,
  ``None``. *Chosen*: a category measure whose category record is unknown has ``None`` everywhere.
* The analysis is ``spc.analyse`` over the measure's whole history, so its limits come from its first
  12 recorded points whatever window is displayed. The history runs from the measure's first week
  (first manual value, or the team's first capacity week for derived measures), or from the first
  displayed week if that is earlier, to this week. *Chosen*: the returned ``points`` are **trimmed**
  to the displayed weeks and re-indexed so ``points[i]`` belongs to ``weeks[i]`` (each also carries
  ``week_start``); ``offset`` says how many history weeks precede the window (full-history index =
  ``index + offset``) and ``history_start`` names the first one. Phase ``start``/``end`` use the
  window's indexes too (negative: the phase began before the window) plus ``start_week``/``end_week``.
  ``special_count`` and ``summary`` describe the whole history; ``window_special_count`` the window.
  Re-base weeks become positions in the history; ones outside it are ignored.
* Retired measures are left out; ``less_frequent`` ones stay. Groups always come in the order
  performance, capacity, cost, staff_experience (all four, possibly empty); measures within a group
  by ``position``, then name, then id.
"""

from __future__ import annotations

import math
import hashlib
import struct
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa

from server.capacity.models import CapacityWeeklyTotal, TimeLostCategory
from server.extensions import db
from server.measures import spc
from server.measures.models import GROUPS, Measure, MeasureValue
from server.core import clock
from server.core.weeks import WEEK, current_week_start, last_weeks, week_start
from server.organisations.models import Team
from server.sync_api.models import SyncTeam

GROUP_LABELS = {
    "performance": "Performance",
    "capacity": "Capacity",
    "cost": "Cost",
    "staff_experience": "Staff experience",
}
DEFAULT_WEEKS, MAX_WEEKS = 12, 104

# The measure attributes a box score row repeats (plus id); the PWA reads the same keys from its records.
ROW_FIELDS = ("name", "group", "subgroup", "unit", "direction", "target", "aim", "operational_definition",
              "source", "derived_kind", "derived_category_id", "derived_unit", "status", "on_board",
              "rule_set", "position")


def round6(x: float | None) -> float | None:
    return None if x is None else math.floor(x * 1e6 + 0.5) / 1e6


# ------------------------------------------------------------------------------------------------
# the pure computation
# ------------------------------------------------------------------------------------------------
def compute(
    *,
    measures: Iterable[Mapping[str, Any]],
    weekly_minutes: Iterable[tuple[date, str, str, int]],
    values: Iterable[tuple[str, date, float]],
    categories: Mapping[str, Mapping[str, Any]],
    contracted_hours: float | None,
    current_week: date,
    weeks: int = DEFAULT_WEEKS,
) -> tuple[list[date], list[dict[str, Any]]]:
    """Returns ``(weeks, groups)``.

    * ``measures``: mappings with ``id`` and the :data:`ROW_FIELDS` keys (missing ones default) plus
      ``rebase_weeks`` (Mondays as dates or ISO strings).
    * ``weekly_minutes``: ``(week_start, kind, category, minutes)`` rows; ``category`` is ``''`` when an
      entry has none; several rows for one key are added up. Rows with 0 minutes count as entries.
    * ``values``: ``(measure_id, week_start, value)`` for manual measures.
    * ``categories``: ``{id: {"name", "former_names"}}`` of the team's time-lost categories.
    """
    current_week = week_start(current_week)
    window = last_weeks(weeks, current_week)

    rows_by_group: dict[str, list[dict[str, Any]]] = {g: [] for g in GROUPS}
    ordered = sorted(
        (m for m in measures if m.get("status", "active") != "retired" and m.get("group") in rows_by_group),
        key=lambda m: (m.get("position") or 0, m.get("name") or "", m["id"]),
    )
    for m, history in _histories(ordered, weekly_minutes, values, categories, contracted_hours, current_week):
        rows_by_group[m["group"]].append(_row(m, history, window, current_week))

    groups = [{"group": g, "label": GROUP_LABELS[g], "measures": rows_by_group[g]} for g in GROUPS]
    return window, groups


def _histories(measures, weekly_minutes, values, categories, contracted_hours, current_week):
    """Each measure with its weekly history up to ``current_week`` (``{week: value or None}``)."""
    # minutes[kind][category][week]; first capacity week of the team
    minutes: dict[str, dict[str, dict[date, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    first_capacity: date | None = None
    for wk, kind, category, mins in weekly_minutes:
        if wk > current_week:
            continue
        minutes[kind][category or ""][wk] += int(mins)
        if first_capacity is None or wk < first_capacity:
            first_capacity = wk

    by_measure: dict[str, dict[date, float]] = defaultdict(dict)
    for measure_id, wk, value in values:
        if wk <= current_week and value is not None:  # None: a cleared week
            by_measure[measure_id][wk] = float(value)

    for m in measures:
        if m.get("source", "manual") == "derived":
            yield m, _derived_history(m, minutes, first_capacity, categories, contracted_hours, current_week)
        else:
            yield m, by_measure.get(m["id"], {})


def _derived_history(m, minutes, first_capacity, categories, contracted_hours, current_week) -> dict[date, float | None]:
    if first_capacity is None:
        return {}
    kind = m.get("derived_kind")
    per_category = minutes.get(kind, {})
    category_id = m.get("derived_category_id")
    if kind == "time_lost" and category_id:
        category = categories.get(category_id)
        if category is None:
            return {}
        names = {category["name"], *(category.get("former_names") or [])}
        sources = [per_category[name] for name in sorted(names) if name in per_category]
    else:
        sources = list(per_category.values())
    percent = m.get("derived_unit") == "percent_of_contracted"
    if percent and not contracted_hours:
        return {}
    history: dict[date, float | None] = {}
    wk = first_capacity
    while wk <= current_week:
        total = 0
        for weekly in sources:
            total += weekly.get(wk, 0)
        hours = total / 60
        history[wk] = round6(hours / contracted_hours * 100) if percent else round6(hours)
        wk += WEEK
    return history


def _row(m: Mapping[str, Any], history: Mapping[date, float | None], window: list[date], current_week: date) -> dict[str, Any]:
    recorded = [wk for wk, v in history.items() if v is not None]
    start = min([window[0], *recorded])
    span = (current_week - start).days // 7 + 1
    weeks_all = [start + WEEK * i for i in range(span)]
    series_all = [history.get(wk) for wk in weeks_all]
    position = {wk: i for i, wk in enumerate(weeks_all)}
    rebase_at = sorted({position[d] for d in (_as_date(x) for x in (m.get("rebase_weeks") or [])) if d in position})

    full = spc.analyse(series_all, direction=m.get("direction") or "neutral", target=m.get("target"),
                       rule_set=m.get("rule_set") or "mdc", rebase_at=rebase_at)
    offset = span - len(window)
    points = []
    for point in full["points"][offset:]:
        point = dict(point, index=point["index"] - offset)
        point["week_start"] = weeks_all[point["index"] + offset].isoformat()
        points.append(point)
    phases = [dict(p, start=p["start"] - offset, end=p["end"] - offset,
                   start_week=weeks_all[p["start"]].isoformat(), end_week=weeks_all[p["end"]].isoformat())
              for p in full["phases"]]
    analysis = {**full, "points": points, "phases": phases, "offset": offset, "history_start": start.isoformat(),
                "window_special_count": sum(1 for p in points if p["special"])}

    row: dict[str, Any] = {"id": m["id"]}
    defaults = {"direction": "neutral", "source": "manual", "status": "active", "on_board": True, "rule_set": "mdc",
                "position": 0}
    for key in ROW_FIELDS:
        row[key] = m.get(key, defaults.get(key))
    row["rebase_weeks"] = sorted(_as_date(x).isoformat() for x in (m.get("rebase_weeks") or []))
    row["series"] = [{"week_start": wk.isoformat(), "value": history.get(wk)} for wk in window]
    row["this_week"] = history.get(current_week)
    row["last_week"] = history.get(current_week - WEEK)
    row["analysis"] = analysis
    return row


def _as_date(x: date | str) -> date:
    return x if isinstance(x, date) else date.fromisoformat(x)


# ------------------------------------------------------------------------------------------------
# reading one team's inputs
# ------------------------------------------------------------------------------------------------
def box_score(team: Team, weeks: int = DEFAULT_WEEKS, now: datetime | None = None) -> dict[str, Any]:
    return box_scores([team], weeks, now)[team.id]


def box_scores(teams: list[Team], weeks: int = DEFAULT_WEEKS, now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """The box score of each team, its inputs read for all of them in the same four queries (a coach's
    caseload reads forty teams' at once)."""
    now = now or clock.now()
    current = current_week_start(now)
    inputs = _read_inputs(teams, current)
    generated_at = now.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    scores = {}
    for team in teams:
        window, groups = compute(**inputs[team.id], current_week=current, weeks=weeks)
        scores[team.id] = {"team_id": team.id, "generated_at": generated_at, "this_week": current.isoformat(),
                           "weeks": [wk.isoformat() for wk in window], "groups": groups}
    return scores


def _ordered_histories(team_inputs: Mapping[str, Any], current: date) -> Iterable[tuple[Mapping[str, Any], Mapping[date, float | None]]]:
    """A team's measures in the box score's order, each with its weekly history up to ``current``."""
    ordered = sorted((m for m in team_inputs["measures"] if m.get("group") in GROUPS),
                     key=lambda m: (GROUPS.index(m["group"]), m.get("position") or 0, m.get("name") or "", m["id"]))
    return _histories(ordered, team_inputs["weekly_minutes"], team_inputs["values"], team_inputs["categories"],
                      team_inputs["contracted_hours"], current)


def latest_signals(teams: list[Team], since: date, now: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each team's :func:`new_signals` since ``since``, without building its box score: only a measure
    with a value from ``since`` on is analysed, and only its latest point is read. A coach's caseload
    asks this of forty teams at once."""
    current = current_week_start(now or clock.now())
    inputs = _read_inputs(teams, current)
    found: dict[str, list[dict[str, Any]]] = {}
    for team in teams:
        signals = found[team.id] = []
        for m, history in _ordered_histories(inputs[team.id], current):
            recorded = [wk for wk, v in history.items() if v is not None]
            if not recorded or max(recorded) < since:
                continue
            start, signal_of = _signals_of(m, history, recorded, current)
            signal = signal_of.get((max(recorded) - start).days // 7)
            if signal in ("improvement", "concern"):
                signals.append({"measure_id": m["id"], "measure_name": m["name"], "signal": signal,
                                "week_start": max(recorded)})
    return found


def signals_between(teams: list[Team], first: date, now: datetime, signal: str,
                    chart_weeks: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each team's measures (box score order) with a recorded point of ``signal`` ("improvement" or
    "concern") in the weeks from ``first`` to ``now``'s, as the chart stood then (a later value cannot
    rewrite it): ``{"measure", "group", "weeks"}``, and with ``chart_weeks`` the measure's box score
    row over that many weeks (``"row"``: its chart). A board's report asks this of every team in a
    board, the national overview of every team: only those measures' rows are built.

    Without charts a team's answer is kept until its data changes: every measure, value, category and
    capacity total reaches the read tables through a sync push, which moves the team's change counter
    (its contracted hours, the one input outside sync, is part of the key), so a nation's overview
    reads only the teams that changed since it was last asked."""
    current = current_week_start(now)
    if chart_weeks:
        return _signals_between(teams, first, current, signal, last_weeks(chart_weeks, current))
    # The counters first: a push landing after this read is seen by the next request, never hidden.
    versions = dict(db.session.execute(sa.select(SyncTeam.team_id, SyncTeam.version).where(
        SyncTeam.team_id.in_([t.id for t in teams]))).all())
    keys = {t.id: (t.id, versions.get(t.id, 0), t.contracted_hours_per_week, first, current, signal) for t in teams}
    found, missing = {}, []
    for team in teams:
        kept = _KEPT_SIGNALS.get(keys[team.id])
        if kept is None:
            missing.append(team)
        elif kept:
            found[team.id] = kept
    if missing:
        fresh = _signals_between(missing, first, current, signal, None)
        for team in missing:
            _KEPT_SIGNALS.put(keys[team.id], fresh.get(team.id, []))
        found.update(fresh)
    return found


def _signals_between(teams: list[Team], first: date, current: date, signal: str,
                     window: list[date] | None) -> dict[str, list[dict[str, Any]]]:
    inputs = _read_inputs(teams, current)
    found: dict[str, list[dict[str, Any]]] = {}
    for team in teams:
        for m, history in _ordered_histories(inputs[team.id], current):
            recorded = [wk for wk, v in history.items() if v is not None]
            if not recorded or max(recorded) < first:
                continue
            start, signal_of = _signals_of(m, history, recorded, current)
            weeks = [wk for wk in recorded if wk >= first and signal_of.get((wk - start).days // 7) == signal]
            if weeks:
                hit = {"measure": m, "group": m["group"], "weeks": sorted(weeks)}
                if window:
                    hit["row"] = _row(m, history, window, current)
                found.setdefault(team.id, []).append(hit)
    return found


def _signals_of(m: Mapping[str, Any], history: Mapping[date, float | None], recorded: list[date],
                current_week: date) -> tuple[date, dict[int, str]]:
    """The signal of each week from the measure's first value to ``current_week``, as :func:`_row`
    analyses it (an earlier first displayed week only adds empty points, which change no value's
    rules): ``(first week, {week index: signal})``, weeks without a signal left out."""
    start = min(recorded)
    weeks_all = [start + WEEK * i for i in range((current_week - start).days // 7 + 1)]
    position = {wk: i for i, wk in enumerate(weeks_all)}
    rebase_at = tuple(sorted({position[d] for d in (_as_date(x) for x in (m.get("rebase_weeks") or [])) if d in position}))
    return start, _ANALYSED.signals(tuple(history.get(wk) for wk in weeks_all), m.get("direction") or "neutral",
                                    m.get("target"), m.get("rule_set") or "mdc", rebase_at)


class _Kept:
    """A bounded least-recently-used map shared by a process's threads (gthread workers)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        with self._lock:
            value = self._kept.get(key)
            if value is not None:
                self._kept.move_to_end(key)
            return value

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            if len(self._kept) > self.size:
                self._kept.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


class _AnalysedSignals(_Kept):
    """Each measure history's signals, kept per exact history: a coach's caseload and the board and
    national views ask of the same histories again and again, and each changes only when a value of
    that measure does. Keyed by a 16-byte digest of the history and held as (week index, signal) for
    the few signalled weeks, so a whole nation's 20,000 histories take a few megabytes."""

    def signals(self, series: tuple[float | None, ...], direction: str, target: float | None, rule_set: str,
                rebase_at: tuple[int, ...]) -> dict[int, str]:
        digest = hashlib.blake2b(repr((direction, target, rule_set, rebase_at)).encode(), digest_size=16)
        digest.update(struct.pack(f"<{len(series)}d", *(math.nan if v is None else v for v in series)))
        key = digest.digest()
        kept = self.get(key)
        if kept is None:  # analysed outside the lock: two threads may both analyse, and agree
            full = spc.analyse(list(series), direction=direction, target=target, rule_set=rule_set, rebase_at=rebase_at)
            kept = tuple((p["index"], p["signal"]) for p in full["points"] if p["signal"])
            self.put(key, kept)
        return dict(kept)


_ANALYSED = _AnalysedSignals(size=65536)
# A team's signals in a period, by its change counter (signals_between): a nation is about 1,000 teams.
_KEPT_SIGNALS = _Kept(size=8192)


def _read_inputs(teams: list[Team], current: date) -> dict[str, dict[str, Any]]:
    """:func:`compute`'s inputs (all but the weeks) for each team. Core rows, not ORM ones: forty teams
    hold tens of thousands of weekly values."""
    ids = [t.id for t in teams]
    connection = db.session.connection()
    columns = [Measure.id, Measure.team_id, *(getattr(Measure, k) for k in ROW_FIELDS), Measure.rebase_weeks]
    measures: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in connection.execute(sa.select(*columns).where(Measure.team_id.in_(ids), Measure.status != "retired")):
        m = row._asdict()
        measures[m.pop("team_id")].append({**m, "rebase_weeks": row.rebase_weeks or []})
    manual_teams = [t for t in ids if any(m["source"] != "derived" for m in measures[t])]
    derived_teams = [t for t in ids if any(m["source"] == "derived" for m in measures[t])]

    values: dict[str, list[tuple[str, date, float]]] = defaultdict(list)
    if manual_teams:
        for team_id, *value in connection.execute(
                sa.select(MeasureValue.team_id, MeasureValue.measure_id, MeasureValue.week_start, MeasureValue.value).where(
                    MeasureValue.team_id.in_(manual_teams), MeasureValue.week_start <= current)):
            values[team_id].append(tuple(value))
    weekly: dict[str, list[tuple[date, str, str, int]]] = defaultdict(list)
    categories: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    if derived_teams:
        for team_id, *total in connection.execute(
                sa.select(CapacityWeeklyTotal.team_id, CapacityWeeklyTotal.week_start, CapacityWeeklyTotal.kind,
                          CapacityWeeklyTotal.category, CapacityWeeklyTotal.minutes).where(
                    CapacityWeeklyTotal.team_id.in_(derived_teams), CapacityWeeklyTotal.week_start <= current,
                    CapacityWeeklyTotal.entries > 0)):
            weekly[team_id].append(tuple(total))
        with_categories = [t for t in derived_teams if any(m["derived_category_id"] for m in measures[t])]
        if with_categories:
            for team_id, cid, name, former in connection.execute(
                    sa.select(TimeLostCategory.team_id, TimeLostCategory.id, TimeLostCategory.name,
                              TimeLostCategory.former_names).where(TimeLostCategory.team_id.in_(with_categories))):
                categories[team_id][cid] = {"name": name, "former_names": former or []}
    return {team.id: {"measures": measures[team.id], "weekly_minutes": weekly[team.id], "values": values[team.id],
                      "categories": categories[team.id], "contracted_hours": team.contracted_hours_per_week}
            for team in teams}


# ------------------------------------------------------------------------------------------------
# the offline path: what the PWA does from its local records (and the shared vectors test)
# ------------------------------------------------------------------------------------------------
def weekly_minutes_from_entries(entries: Iterable[Mapping[str, Any]]) -> list[tuple[date, str, str, int]]:
    """Raw capacity entries (``occurred_on``, ``kind``, ``minutes``, ``category``) summed per week, kind
    and category, as ``CapacityWeeklyTotal`` holds them (``''`` for no category)."""
    totals: dict[tuple[date, str, str], int] = defaultdict(int)
    for e in entries:
        day = e["occurred_on"] if isinstance(e["occurred_on"], date) else date.fromisoformat(e["occurred_on"])
        totals[(week_start(day), e["kind"], e.get("category") or "")] += int(e["minutes"])
    return [(wk, kind, category, mins) for (wk, kind, category), mins in sorted(totals.items())]


def compute_from_records(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The box score from plain records (the shape of ``tests/vectors/boxscore/*.json`` ``input``)."""
    now = datetime.fromisoformat(inputs["now"].replace("Z", "+00:00"))
    current = current_week_start(now)
    window, groups = compute(
        measures=inputs["measures"],
        weekly_minutes=weekly_minutes_from_entries(inputs.get("capacity_entries", [])),
        values=[(v["measure_id"], date.fromisoformat(v["week_start"]), v["value"]) for v in inputs.get("measure_values", [])],
        categories={c["id"]: c for c in inputs.get("categories", [])},
        contracted_hours=inputs.get("contracted_hours_per_week"),
        current_week=current,
        weeks=inputs.get("weeks", DEFAULT_WEEKS),
    )
    return {"this_week": current.isoformat(), "weeks": [wk.isoformat() for wk in window], "groups": groups}


def new_signals(score: Mapping[str, Any], since: date) -> list[dict[str, Any]]:
    """The measures of a computed box score whose latest value is a special-cause improvement or
    concern in a week from ``since`` on: news a coach or lead has not been told of in an earlier week."""
    found = []
    for group in score["groups"]:
        for row in group["measures"]:
            points = [p for p in row["analysis"]["points"] if p["value"] is not None]
            latest = points[-1] if points else None
            if not latest or latest.get("signal") not in ("improvement", "concern"):
                continue
            if _as_date(latest["week_start"]) < since:
                continue
            found.append({"measure_id": row["id"], "measure_name": row["name"], "signal": latest["signal"],
                          "week_start": _as_date(latest["week_start"])})
    return found

