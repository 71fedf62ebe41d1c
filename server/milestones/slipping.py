"""Signs that a team is slipping, or has news beyond the ladder, checked on a schedule by the delivery
worker (``flask --app server check-teams`` runs it once): a new special-cause signal on a box score
measure, the box score not updated for 2 weeks, last week's huddle missed, actions overdue.

Each event's key names its team and week (or measure and week), so running the check again, on any
process, tells nobody twice."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from server.capacity.models import CapacityEntry
from server.core import clock
from server.extensions import db
from server.huddles.models import Huddle
from server.improvement.models import Action
from server.measures.boxscore import latest_signals
from server.measures.models import MeasureValue
from server.notifications.operations import notify_team
from server.organisations.models import CoachAssignment, Membership, Team
from server.organisations.queries import active_team_ids

REMINDER_TTL = timedelta(hours=12)
SIGNAL_TTL = timedelta(days=2)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def teams_with_someone_to_tell() -> list[Team]:
    coached = sa.select(CoachAssignment.team_id)
    led = sa.select(Membership.team_id).where(Membership.role == "lead")
    return list(db.session.scalars(sa.select(Team).where(Team.id.in_(sa.union(coached, led)),
                                                         Team.id.in_(active_team_ids())).order_by(Team.id)))


def check_team(team: Team, today: date) -> int:
    """Raise whatever this team's data says now; returns how many users got something new."""
    this_week = _monday(today)
    last_week = this_week - timedelta(weeks=1)
    board = f"/teams/{team.id}/board"
    told = 0

    since = this_week - timedelta(weeks=1)  # last week and this one
    valued = db.session.execute(sa.select(sa.exists().where(MeasureValue.team_id == team.id,
                                                             MeasureValue.week_start >= since))).scalar()
    logged = db.session.execute(sa.select(sa.exists().where(CapacityEntry.team_id == team.id,
                                                             CapacityEntry.occurred_on >= since))).scalar()
    ever = db.session.execute(sa.select(sa.exists().where(MeasureValue.team_id == team.id))).scalar()
    if ever and not valued and not logged:
        told += notify_team(team.id, type="box_score_stale", key=f"box_score_stale:{team.id}:{this_week}",
                            title=f"{team.name}: box score not updated",
                            body="Nothing has been added to the box score for 2 weeks.", url="/boxscore",
                            ttl=REMINDER_TTL)

    huddled_before = db.session.execute(sa.select(sa.exists().where(Huddle.team_id == team.id,
                                                                     Huddle.held_on < last_week))).scalar()
    huddled_last_week = db.session.execute(sa.select(sa.exists().where(
        Huddle.team_id == team.id, Huddle.held_on >= last_week, Huddle.held_on < this_week))).scalar()
    if huddled_before and not huddled_last_week:
        told += notify_team(team.id, type="huddle_missed", key=f"huddle_missed:{team.id}:{last_week}",
                            title=f"{team.name}: weekly huddle missed",
                            body=f"No huddle was recorded in the week of {last_week.strftime('%-d %B')}.",
                            url=f"/teams/{team.id}/huddle", ttl=REMINDER_TTL)

    overdue = db.session.execute(sa.select(sa.func.count()).select_from(Action).where(
        Action.team_id == team.id, Action.status == "open", Action.due_on < today)).scalar_one()
    if overdue:
        told += notify_team(team.id, type="actions_overdue", key=f"actions_overdue:{team.id}:{this_week}",
                            title=f"{team.name}: {overdue} action{'s' if overdue != 1 else ''} overdue",
                            body="Open actions are past their due date.", url=f"/teams/{team.id}/actions",
                            ttl=REMINDER_TTL)

    for signal in latest_signals([team], since=last_week)[team.id]:  # only a signal in the latest two weeks is new
        kind, week = signal["signal"], signal["week_start"]
        told += notify_team(team.id, type="signal", key=f"signal:{signal['measure_id']}:{week.isoformat()}:{kind}",
                            title=f"{team.name}: {signal['measure_name']} shows {kind}",
                            body=f"Special cause {kind} in the week of {week.strftime('%-d %B')}.",
                            url=board, ttl=SIGNAL_TTL)
    return told


def check_teams() -> int:
    today = clock.today()
    told = 0
    for team in teams_with_someone_to_tell():
        told += check_team(team, today)
        db.session.commit()
    return told
