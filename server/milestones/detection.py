"""Detecting milestones from a team's data, inside the transaction that completes them.

Every sync push calls :func:`on_push` (a push observer, ``server/sync_api/registry.py``) after the
projectors ran, so the read tables already hold the push's records. Per team it first reads which
milestones the team has (one indexed query), then checks only the unreached ones the pushed
collections can complete: a team that has reached them pays that one query. ``team_started`` comes
from a server write (a coach assigned), seen when that transaction commits.

A record deleted later never takes a milestone back (``operations.reach`` only inserts)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any, Mapping, Sequence

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from server.board.models import BoardSettings
from server.capacity.models import CapacityWeeklyTotal
from server.extensions import db
from server.huddles.models import Huddle
from server.improvement.models import Action, Idea
from server.measures.boxscore import box_score
from server.measures.models import Measure, MeasureValue
from server.milestones.operations import reach, reached_codes
from server.organisations.models import CoachAssignment, Team
from sync import StoredRecord

BOX_SCORE_AREAS = ("performance", "capacity", "cost")
Records = Mapping[str, Sequence[StoredRecord]]


def register(app: Flask) -> None:
    from server.sync_api.registry import register_push_observer

    register_push_observer(app, on_push)
    _watch_coach_assignments()


# ------------------------------------------------------------------------------------------------
# from sync pushes
# ------------------------------------------------------------------------------------------------
def on_push(changed: Records) -> None:
    by_team: dict[str, dict[str, list[StoredRecord]]] = defaultdict(lambda: defaultdict(list))
    for collection, records in changed.items():
        for rec in records:
            by_team[rec.team_id][collection].append(rec)
    reached = reached_codes(sorted(by_team))
    for team_id, records in by_team.items():
        _check_team(team_id, records, reached[team_id])


def _live(records: Sequence[StoredRecord]) -> list[StoredRecord]:
    return [r for r in records if not r.deleted]


def _check_team(team_id: str, records: Mapping[str, Sequence[StoredRecord]], reached: set[str]) -> None:
    def due(code: str, *collections: str) -> bool:
        return code not in reached and any(c in records for c in collections)

    def evidence_of(rec: StoredRecord) -> dict[str, Any]:
        return {"collection": rec.collection, "record_id": rec.record_id}

    if due("first_capacity_sample", "capacity_entries") and (live := _live(records["capacity_entries"])):
        reach(team_id, "first_capacity_sample", evidence_of(live[0]))
    if due("first_huddle", "huddles") and (live := _live(records["huddles"])):
        reach(team_id, "first_huddle", evidence_of(live[0]))
    if due("four_weekly_huddles", "huddles") and (weeks := _consecutive_huddle_weeks(team_id)):
        reach(team_id, "four_weekly_huddles", {"weeks": weeks})
    if due("manager_attendance", "huddles") and (months := _manager_months(team_id)):
        reach(team_id, "manager_attendance", {"months": months})
    if due("first_test_of_change", "pdsa_cycles", "ideas"):
        cycles = _live(records.get("pdsa_cycles", []))
        testing = [r for r in _live(records.get("ideas", [])) if r.fields.get("status") == "testing"]
        if cycles or testing:
            reach(team_id, "first_test_of_change", evidence_of((cycles or testing)[0]))
    if due("measures_chosen", "measures", "board_settings") and _measures_chosen(team_id):
        reach(team_id, "measures_chosen", {"areas": list(BOX_SCORE_AREAS)})
    if due("board_in_use", "ideas", "actions", "measures") and _board_in_use(team_id):
        reach(team_id, "board_in_use", {})
    if due("baseline_collected", "measure_values", "capacity_entries", "measures") and (found := _baseline(team_id)):
        reach(team_id, "baseline_collected", found)
    scored = ("measure_values", "capacity_entries", "measures")
    if due("first_box_score", *scored) or due("first_improvement_signal", *scored):
        _from_the_box_score(team_id, reached)


def _consecutive_huddle_weeks(team_id: str, run: int = 4) -> list[str] | None:
    days = _scalars(sa.select(Huddle.held_on).where(Huddle.team_id == team_id))
    mondays = sorted({d - timedelta(days=d.weekday()) for d in days})
    streak: list[date] = []
    for monday in mondays:
        streak = streak + [monday] if streak and monday - streak[-1] == timedelta(weeks=1) else [monday]
        if len(streak) >= run:
            return [m.isoformat() for m in streak[-run:]]
    return None


def _manager_months(team_id: str, run: int = 3) -> list[str] | None:
    days = _scalars(sa.select(Huddle.held_on).where(Huddle.team_id == team_id, Huddle.manager_present.is_(True)))
    months = sorted({(d.year, d.month) for d in days})
    streak: list[tuple[int, int]] = []
    for y, m in months:
        follows = streak and (y * 12 + m) - (streak[-1][0] * 12 + streak[-1][1]) == 1
        streak = streak + [(y, m)] if follows else [(y, m)]
        if len(streak) >= run:
            return [f"{yy:04d}-{mm:02d}" for yy, mm in streak[-run:]]
    return None


def _measures_chosen(team_id: str) -> bool:
    groups = set(_scalars(sa.select(Measure.group).where(Measure.team_id == team_id, Measure.status != "retired")))
    if not set(BOX_SCORE_AREAS) <= groups:
        return False
    aims = db.session.execute(sa.select(BoardSettings.aim_performance, BoardSettings.aim_capacity, BoardSettings.aim_cost)
                              .where(BoardSettings.team_id == team_id)).first()
    return aims is not None and all((a or "").strip() for a in aims)


def _board_in_use(team_id: str) -> bool:
    def exists(query: sa.Select) -> bool:
        return db.session.execute(sa.select(query.exists())).scalar_one()

    return (exists(sa.select(Idea.id).where(Idea.team_id == team_id))
            and exists(sa.select(Action.id).where(Action.team_id == team_id))
            and exists(sa.select(Measure.id).where(Measure.team_id == team_id, Measure.on_board.is_(True),
                                                   Measure.status != "retired")))


def _baseline(team_id: str, points: int = 12) -> dict[str, Any] | None:
    manual = db.session.execute(
        sa.select(MeasureValue.measure_id).where(MeasureValue.team_id == team_id)
        .group_by(MeasureValue.measure_id).having(sa.func.count() >= points).limit(1)).scalar()
    if manual is not None:
        return {"measure_id": manual}
    derived = db.session.execute(sa.select(Measure.id).where(
        Measure.team_id == team_id, Measure.source == "derived", Measure.status != "retired").limit(1)).scalar()
    if derived is None:
        return None
    weeks = db.session.execute(sa.select(sa.func.count(sa.distinct(CapacityWeeklyTotal.week_start))).where(
        CapacityWeeklyTotal.team_id == team_id, CapacityWeeklyTotal.entries > 0)).scalar_one()
    return {"measure_id": derived} if weeks >= points else None


def _from_the_box_score(team_id: str, reached: set[str]) -> None:
    """The complete box score and the first improvement signal, from the same box score the team sees."""
    team = db.session.get(Team, team_id)
    if team is None:
        return
    score = box_score(team)
    if "first_box_score" not in reached:
        filled: dict[str, set[str]] = defaultdict(set)
        for group in score["groups"]:
            for row in group["measures"]:
                for point in row["series"]:
                    if point["value"] is not None:
                        filled[point["week_start"]].add(group["group"])
        complete = sorted(week for week, groups in filled.items() if set(BOX_SCORE_AREAS) <= groups)
        if complete:
            reach(team_id, "first_box_score", {"week_start": complete[0]})
    if "first_improvement_signal" not in reached:
        for group in score["groups"]:
            for row in group["measures"]:
                improving = [p for p in row["analysis"]["points"] if p.get("signal") == "improvement"]
                if improving:
                    reach(team_id, "first_improvement_signal",
                          {"measure_id": row["id"], "week_start": improving[0]["week_start"]})
                    return


def _scalars(query: sa.Select) -> list:
    return list(db.session.scalars(query))


# ------------------------------------------------------------------------------------------------
# from server writes: a coach assigned starts the team
# ------------------------------------------------------------------------------------------------
_PENDING = "milestones_team_started"


def _watch_coach_assignments() -> None:
    if event.contains(Session, "after_flush", _note_coach_assignments):
        return
    event.listen(Session, "after_flush", _note_coach_assignments)
    event.listen(Session, "before_commit", _start_teams)


def _note_coach_assignments(session: Session, _context: Any) -> None:
    started = [obj.team_id for obj in session.new if isinstance(obj, CoachAssignment)]
    if started:
        session.info.setdefault(_PENDING, set()).update(started)


def _start_teams(session: Session) -> None:
    teams = session.info.pop(_PENDING, None)
    if not teams:
        return
    session.flush()
    for team_id in sorted(teams):
        reach(team_id, "team_started", {"coach_assigned": True})
