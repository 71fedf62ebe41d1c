"""Protected time: what Value Management itself costs a team each week, shown beside its fidelity so
a lead can show their manager what the approach takes (issue 14).

Two parts, per ISO week (Monday, Europe/London):

* **huddle** minutes: the ``duration_minutes`` of the team's huddles held that week (a huddle whose
  length was not recorded counts nothing rather than a guess);
* **box score and board** minutes: capacity entries of kind ``admin`` in the category
  :data:`VALUE_MANAGEMENT` (leads log them like any admin time), read from the weekly totals the
  capacity projector keeps."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from server.capacity.models import CapacityWeeklyTotal
from server.core.weeks import week_start
from server.extensions import db
from server.fidelity.period import Period
from server.huddles.models import Huddle

#: The category of an ``admin`` capacity entry that is time spent on the box score or the board.
VALUE_MANAGEMENT = "Value Management"


def protected_minutes(teams: sa.Select, period: Period) -> dict[str, dict[date, dict[str, int]]]:
    """team -> Monday -> {"huddle": minutes, "box_score_and_board": minutes}, for weeks with any.
    ``teams`` selects team ids."""
    ids = teams.subquery()
    found: dict[str, dict[date, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: {"huddle": 0, "box_score_and_board": 0}))
    for team_id, held_on, minutes in db.session.execute(sa.select(Huddle.team_id, Huddle.held_on, Huddle.duration_minutes).where(
            Huddle.team_id.in_(sa.select(ids.c[0])), Huddle.duration_minutes.is_not(None),
            Huddle.held_on.between(period.first, period.last + timedelta(days=6)))):
        found[team_id][week_start(held_on)]["huddle"] += minutes
    for team_id, monday, minutes in db.session.execute(sa.select(
            CapacityWeeklyTotal.team_id, CapacityWeeklyTotal.week_start, CapacityWeeklyTotal.minutes).where(
            CapacityWeeklyTotal.team_id.in_(sa.select(ids.c[0])), CapacityWeeklyTotal.kind == "admin",
            CapacityWeeklyTotal.category == VALUE_MANAGEMENT,
            CapacityWeeklyTotal.week_start.between(period.first, period.last))):
        found[team_id][monday]["box_score_and_board"] += minutes
    return found
