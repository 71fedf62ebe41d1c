"""The rota: who is on for each task in a week, whether the task is done, and setting it up.

Turns go week by week from the rota's ``start_week``: in the week ``k`` weeks after it, the person
at place ``k mod n`` of a task's list of ``n`` is on (weeks before it count back the same way). A
task is done in a week exactly when fidelity counts its element present that week."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Optional

import sqlalchemy as sa

from server.accounts.models import User
from server.core import clock
from server.core.database import begin_write
from server.core.errors import validation_error
from server.core.weeks import week_start
from server.extensions import db
from server.fidelity.operations import element_weeks
from server.fidelity.period import Period
from server.organisations.models import Membership, Team
from server.rota.models import TASK_WORDS, TASKS, Rota, RotaTurn

#: This week and the next four, as the rota page shows them.
WEEKS_SHOWN = 5


def on_duty(people: list[str], start_week: date, monday: date) -> Optional[str]:
    """Who of ``people`` (in turn order) is on in the week of ``monday``."""
    if not people:
        return None
    return people[((monday - start_week).days // 7) % len(people)]


def turns_of(team_ids: sa.Select | list[str]) -> dict[str, dict[str, list[str]]]:
    """team -> task -> user ids in turn order."""
    found: dict[str, dict[str, list[str]]] = {}
    rows = db.session.execute(sa.select(RotaTurn.team_id, RotaTurn.task, RotaTurn.user_id)
                              .where(RotaTurn.team_id.in_(team_ids))
                              .order_by(RotaTurn.team_id, RotaTurn.task, RotaTurn.position))
    for team_id, task, user_id in rows:
        found.setdefault(team_id, {t: [] for t in TASKS})[task].append(user_id)
    return found


def done_this_week(team_ids: sa.Select, monday: date) -> dict[str, set[str]]:
    """team -> the tasks done in the week of ``monday``, by fidelity's own rule."""
    present = element_weeks(team_ids, Period(monday, monday))
    return {team_id: {task for task in TASKS if monday in elements[task]} for team_id, elements in present.items()}


def members_of(team_id: str) -> list[dict[str, Any]]:
    rows = db.session.execute(sa.select(User.id, User.name, Membership.role).join(Membership, Membership.user_id == User.id)
                              .where(Membership.team_id == team_id, User.active.is_(True))
                              .order_by(sa.func.lower(User.name), User.id)).all()
    return [{"user_id": uid, "name": name, "role": role} for uid, name, role in rows]


def rota_view(team: Team, today: Optional[date] = None) -> dict[str, Any]:
    """The team's rota as its page shows it: the lists, and who is on this week and the next four."""
    this_week = week_start(today or clock.today())
    rota = db.session.get(Rota, team.id)
    members = members_of(team.id)
    current = {m["user_id"] for m in members}
    turns = turns_of([team.id]).get(team.id, {t: [] for t in TASKS})
    ids = {uid for people in turns.values() for uid in people}
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}

    def person(uid: Optional[str]) -> Optional[dict[str, Any]]:
        return None if uid is None else {"user_id": uid, "name": names.get(uid, ""), "member": uid in current}

    done = done_this_week(sa.select(sa.literal(team.id)), this_week).get(team.id, set())
    weeks = []
    for i in range(WEEKS_SHOWN):
        monday = this_week + timedelta(weeks=i)
        weeks.append({"week_start": monday, "assignments": [
            {"task": task, "person": person(on_duty(turns[task], rota.start_week, monday) if rota else None),
             "done": (task in done) if i == 0 else None}
            for task in TASKS]})
    return {
        "team_id": team.id,
        "set_up": rota is not None,
        "remind_day": rota.remind_day if rota else None,
        "remind_time": rota.remind_time if rota else None,
        "start_week": rota.start_week if rota else None,
        "tasks": [{"task": task, "label": TASK_WORDS[task], "people": [person(uid) for uid in turns[task]]}
                  for task in TASKS],
        "weeks": weeks,
        "members": members,
    }


def set_rota(team: Team, *, remind_day: str, remind_time: str, tasks: dict[str, list[str]],
             start_week: Optional[date] = None) -> None:
    """Replace the team's rota. Everyone named must be an active member of the team (a 422 names
    the task and the people who are not); tasks left out have nobody on them."""
    # Two leads saving at once take turns (the team's row on PostgreSQL, the write lock on SQLite):
    # otherwise both would delete the old turns and the second insert would collide with the first.
    begin_write(db.session())
    db.session.execute(sa.select(Team.id).where(Team.id == team.id).with_for_update())
    members = {m["user_id"] for m in members_of(team.id)}
    problems: dict[str, list[str]] = {}
    for task, people in tasks.items():
        strangers = [uid for uid in people if uid not in members]
        if strangers:
            problems[f"tasks.{task}"] = [f"Not a member of this team: {', '.join(strangers)}. "
                                         "Choose people from the team's members."]
    if problems:
        raise validation_error(problems, "Everyone on the rota must be a member of the team.")
    rota = db.session.get(Rota, team.id)
    if rota is None:
        rota = Rota(team_id=team.id)
        db.session.add(rota)
    rota.remind_day, rota.remind_time = remind_day, remind_time
    rota.start_week = start_week or week_start(clock.today())
    rota.updated_at = clock.now()
    db.session.flush()
    db.session.execute(sa.delete(RotaTurn).where(RotaTurn.team_id == team.id))
    rows = [{"team_id": team.id, "task": task, "position": i, "user_id": uid}
            for task in TASKS for i, uid in enumerate(tasks.get(task, []))]
    if rows:
        db.session.execute(sa.insert(RotaTurn), rows)
    db.session.flush()


def my_week(user: User, team_ids: frozenset[str], today: Optional[date] = None) -> list[dict[str, Any]]:
    """The tasks ``user`` is on this week in the teams ``team_ids``, each with whether it is done."""
    this_week = week_start(today or clock.today())
    if not team_ids:
        return []
    mine = sa.select(RotaTurn.team_id).where(RotaTurn.user_id == user.id, RotaTurn.team_id.in_(team_ids)).distinct()
    rotas = {r.team_id: r for r in db.session.scalars(sa.select(Rota).where(Rota.team_id.in_(mine)))}
    if not rotas:
        return []
    turns = turns_of(list(rotas))
    done = done_this_week(sa.select(Team.id).where(Team.id.in_(list(rotas))), this_week)
    names = dict(db.session.execute(sa.select(Team.id, Team.name).where(Team.id.in_(list(rotas)))).all())
    found = []
    for team_id, rota in sorted(rotas.items(), key=lambda kv: (names[kv[0]].casefold(), kv[0])):
        for task in TASKS:
            if on_duty(turns.get(team_id, {}).get(task, []), rota.start_week, this_week) == user.id:
                found.append({"team_id": team_id, "team_name": names[team_id], "task": task, "label": TASK_WORDS[task],
                              "week_start": this_week, "done": task in done.get(team_id, set())})
    return found
