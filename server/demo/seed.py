from __future__ import annotations

import sqlalchemy as sa

from server.accounts.models import User, normalise_email
from server.accounts.operations import create_user
from server.demo import data
from server.extensions import db
from server.organisations.models import Board, CoachAssignment, Membership, Team


def seed() -> int:
    """Adds whatever part of the demo organisation is missing; returns how many records it made."""
    created = 0
    boards = {b.name: b for b in db.session.scalars(sa.select(Board))}
    for name in data.BOARDS:
        if name not in boards:
            boards[name] = Board(name=name)
            db.session.add(boards[name])
            created += 1
    db.session.flush()

    teams = {t.name: t for t in db.session.scalars(sa.select(Team))}
    for board, name, service, hours, day, time, vision in data.TEAMS:
        if name not in teams:
            teams[name] = Team(board_id=boards[board].id, name=name, service=service, contracted_hours_per_week=hours,
                               huddle_day=day, huddle_time=time, vision_statement=vision)
            db.session.add(teams[name])
            created += 1
    db.session.flush()

    def user(name: str, email: str, role: str) -> User:
        nonlocal created
        existing = db.session.scalar(sa.select(User).where(User.email_normalised == normalise_email(email)))
        if existing:
            return existing
        created += 1
        return create_user(email=email, name=name, password=data.DEMO_PASSWORD, role=role)

    user(*data.ADMIN, "admin")
    for name, email, coached in data.COACHES:
        coach = user(name, email, "coach")
        for team_name in coached:
            if db.session.get(CoachAssignment, (teams[team_name].id, coach.id)) is None:
                db.session.add(CoachAssignment(team_id=teams[team_name].id, coach_id=coach.id))
                created += 1
    for name, local, team_name, role in data.STAFF:
        person = user(name, f"{local}@valueboard.demo", "staff")
        if db.session.get(Membership, (teams[team_name].id, person.id)) is None:
            db.session.add(Membership(team_id=teams[team_name].id, user_id=person.id, role=role))
            created += 1
    db.session.commit()
    return created
