"""Reads shared by several features: which teams a person belongs to or coaches."""

from __future__ import annotations

import sqlalchemy as sa

from server.accounts.models import User
from server.extensions import db
from server.organisations.models import CoachAssignment, Membership, Team, TeamDisplay


def teams_of(user: User) -> tuple[list[dict], list[dict]]:
    # The huddle's day and time ride along so a home screen can say when the next huddle is, offline.
    columns = (Team.id, Team.name, Team.board_id, Team.huddle_day, Team.huddle_time)
    member_rows = db.session.execute(
        sa.select(*columns, Membership.role)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user.id)
        .order_by(Team.name)
    ).all()
    coached_rows = db.session.execute(
        sa.select(*columns)
        .join(CoachAssignment, CoachAssignment.team_id == Team.id)
        .where(CoachAssignment.coach_id == user.id)
        .order_by(Team.name)
    ).all()
    teams = [_my_team(r, r.role) for r in member_rows]
    coached = [_my_team(r, "coach") for r in coached_rows]
    return teams, coached


def _my_team(row, role: str) -> dict:
    return {"id": row.id, "name": row.name, "board_id": row.board_id, "role": role,
            "huddle_day": row.huddle_day, "huddle_time": row.huddle_time}


def team_people(team_id: str) -> tuple[list[dict], list[dict]]:
    members = db.session.execute(
        sa.select(User.id, User.name, User.email, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team_id)
        .order_by(User.name)
    ).all()
    coaches = db.session.execute(
        sa.select(User.id, User.name, User.email)
        .join(CoachAssignment, CoachAssignment.coach_id == User.id)
        .where(CoachAssignment.team_id == team_id)
        .order_by(User.name)
    ).all()
    return (
        [{"team_id": team_id, "user_id": m.id, "name": m.name, "email": m.email, "role": m.role} for m in members],
        [{"team_id": team_id, "user_id": c.id, "name": c.name, "email": c.email, "role": "coach"} for c in coaches],
    )


def displayed_team(user: User) -> dict | None:
    """The team whose board a display account shows."""
    row = db.session.execute(
        sa.select(Team.id, Team.name, Team.board_id).join(TeamDisplay, TeamDisplay.team_id == Team.id)
        .where(TeamDisplay.user_id == user.id)
    ).first()
    return None if row is None else {"id": row.id, "name": row.name, "board_id": row.board_id, "role": "display"}
