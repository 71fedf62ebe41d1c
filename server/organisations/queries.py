"""Reads shared by several features: which teams are still in use, which teams a person belongs to or
coaches."""

from __future__ import annotations

import sqlalchemy as sa

from server.accounts.models import User
from server.extensions import db
from server.organisations.models import Board, BoardLead, CoachAssignment, Membership, Team, TeamDisplay


def active_team_ids() -> sa.Select:
    """The ids of the teams still in use: neither the team nor its board archived. The one place this
    condition lives: every list of teams (``GET /api/teams``, ``/api/me``, fidelity, the caseload, the
    board and national views, the trend) filters with ``Team.id.in_(active_team_ids())``. An archived
    team keeps all its history and can be read by id; it is just no longer listed."""
    return (sa.select(Team.id).join(Board, Board.id == Team.board_id)
            .where(Team.archived_at.is_(None), Board.archived_at.is_(None)))


def teams_of(user: User) -> tuple[list[dict], list[dict]]:
    # The huddle's day and time ride along so a home screen can say when the next huddle is, offline.
    columns = (Team.id, Team.name, Team.board_id, Team.huddle_day, Team.huddle_time)
    member_rows = db.session.execute(
        sa.select(*columns, Membership.role)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user.id, Team.id.in_(active_team_ids()))
        .order_by(Team.name)
    ).all()
    coached_rows = db.session.execute(
        sa.select(*columns)
        .join(CoachAssignment, CoachAssignment.team_id == Team.id)
        .where(CoachAssignment.coach_id == user.id, Team.id.in_(active_team_ids()))
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


def person_details(user: User) -> dict:
    """The teams a person is in and coaches (archived ones too, marked) and the boards they lead."""
    columns = (Team.id, Team.name, Team.board_id, Team.id.in_(active_team_ids()).label("listed"))
    members = db.session.execute(
        sa.select(*columns, Membership.role).join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user.id).order_by(Team.name, Team.id)).all()
    coached = db.session.execute(
        sa.select(*columns).join(CoachAssignment, CoachAssignment.team_id == Team.id)
        .where(CoachAssignment.coach_id == user.id).order_by(Team.name, Team.id)).all()
    led = db.session.execute(
        sa.select(Board.id, Board.name).join(BoardLead, BoardLead.board_id == Board.id)
        .where(BoardLead.user_id == user.id)).all()
    return {
        "memberships": [{"team_id": r.id, "team_name": r.name, "board_id": r.board_id, "role": r.role,
                         "archived": not r.listed} for r in members],
        "coached_teams": [{"team_id": r.id, "team_name": r.name, "board_id": r.board_id,
                           "archived": not r.listed} for r in coached],
        "boards_led": [{"board_id": r.id, "board_name": r.name} for r in led],
    }
