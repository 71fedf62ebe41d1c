"""Fidelity (issue 14's pinned rule): for a team and an ISO week (Monday to Sunday, Europe/London)

* **box score** updated: a weekly value of one of its measures recorded for that week, or a capacity
  entry with ``occurred_on`` in it;
* **board** updated: an idea, PDSA cycle or action created or changed in it, by the hlc of the change;
* **huddle** held: a ``huddles`` record with ``held_on`` in it.

Over N weeks a team is ``all_three`` when each element is present in at least ⌈0.75 N⌉ weeks, ``none``
when no element is present in any week, ``some`` otherwise. Three grouped queries answer for any
number of teams (the team filter is a subquery, never a list of ids)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from server.capacity.models import CapacityWeeklyTotal
from server.core.weeks import week_start
from server.extensions import db
from server.fidelity.models import TeamBoardWeek
from server.fidelity.period import Period
from server.fidelity.protected import protected_minutes
from server.huddles.models import Huddle
from server.measures.models import MeasureValue
from server.organisations.models import Team

ELEMENTS = ("box_score", "board", "huddle")


def status_of(counts: dict[str, int], weeks: int) -> str:
    if not any(counts.values()):
        return "none"
    needed = math.ceil(0.75 * weeks)
    return "all_three" if all(counts[e] >= needed for e in ELEMENTS) else "some"


def element_weeks(teams: sa.Select, period: Period) -> dict[str, dict[str, set[date]]]:
    """team -> element -> the Mondays in the period when it was present. ``teams`` selects team ids."""
    found: dict[str, dict[str, set[date]]] = defaultdict(lambda: {e: set() for e in ELEMENTS})
    ids = teams.subquery()
    box = sa.union(
        sa.select(CapacityWeeklyTotal.team_id, CapacityWeeklyTotal.week_start).where(
            CapacityWeeklyTotal.team_id.in_(sa.select(ids.c[0])), CapacityWeeklyTotal.entries > 0,
            CapacityWeeklyTotal.week_start.between(period.first, period.last)),
        sa.select(MeasureValue.team_id, MeasureValue.week_start).where(
            MeasureValue.team_id.in_(sa.select(ids.c[0])), MeasureValue.week_start.between(period.first, period.last)),
    )
    for team_id, monday in db.session.execute(box):
        found[team_id]["box_score"].add(monday)
    for team_id, monday in db.session.execute(sa.select(TeamBoardWeek.team_id, TeamBoardWeek.week_start).where(
            TeamBoardWeek.team_id.in_(sa.select(ids.c[0])), TeamBoardWeek.week_start.between(period.first, period.last))):
        found[team_id]["board"].add(monday)
    for team_id, held_on in db.session.execute(sa.select(Huddle.team_id, Huddle.held_on).where(
            Huddle.team_id.in_(sa.select(ids.c[0])),
            Huddle.held_on.between(period.first, period.last + timedelta(days=6))).distinct()):
        found[team_id]["huddle"].add(week_start(held_on))
    return found


def fidelity(teams: sa.Select, period: Period) -> dict[str, Any]:
    """The pinned response for the teams ``teams`` selects (``Team.id, Team.board_id`` rows)."""
    listed = db.session.execute(teams.order_by(Team.board_id, Team.name)).all()
    weeks = element_weeks(sa.select(teams.subquery().c.id), period)
    rows, summary = [], {"all_three": 0, "some": 0, "none": 0}
    for team_id, board_id, *_ in listed:
        present = weeks.get(team_id) or {e: set() for e in ELEMENTS}
        counts = {e: len(present[e]) for e in ELEMENTS}
        status = status_of(counts, period.weeks)
        summary[status] += 1
        rows.append({"team_id": team_id, "board_id": board_id, "box_score_weeks": counts["box_score"],
                     "board_weeks": counts["board"], "huddle_weeks": counts["huddle"], "status": status})
    return {"weeks": period.weeks, "teams": rows, "summary": summary}


def team_fidelity(team: Team, period: Period) -> dict[str, Any]:
    """One team's weeks, element by element, with the Value Management time of each week beside them."""
    team_id = team.id
    only = sa.select(sa.literal(team_id))
    present = element_weeks(only, period).get(team_id) or {e: set() for e in ELEMENTS}
    minutes = protected_minutes(only, period).get(team_id, {})
    counts = {e: len(present[e]) for e in ELEMENTS}
    by_week = []
    for monday in period.mondays:
        spent = minutes.get(monday, {"huddle": 0, "box_score_and_board": 0})
        by_week.append({"week_start": monday, **{e: monday in present[e] for e in ELEMENTS},
                        "huddle_minutes": spent["huddle"], "box_score_and_board_minutes": spent["box_score_and_board"]})
    huddle_total = sum(w["huddle_minutes"] for w in by_week)
    vm_total = sum(w["box_score_and_board_minutes"] for w in by_week)
    return {"team_id": team_id, "board_id": team.board_id, "weeks": period.weeks, "status": status_of(counts, period.weeks),
            "box_score_weeks": counts["box_score"], "board_weeks": counts["board"], "huddle_weeks": counts["huddle"],
            "by_week": by_week,
            "protected_minutes": {"huddle": huddle_total, "box_score_and_board": vm_total,
                                  "per_week": round((huddle_total + vm_total) / period.weeks, 1)}}

