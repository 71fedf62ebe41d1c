"""Reminders to the person on the rota: from the team's reminder day and time (Europe/London) until
the week ends, each task not yet done that week is told to whoever is on for it, through the inbox
and Web Push (quiet hours held by the delivery).

The event key names team, week and task, and the inbox keeps one row per user and key, so a person
is told once per team, week and task however often, and on however many processes, this runs. The
check catches up to the end of the week, so a worker that was down on the day still reminds."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from server.accounts.models import User
from server.core import clock
from server.core.database import begin_write
from server.core.weeks import week_start
from server.extensions import db
from server.notifications.models import Notification
from server.notifications.operations import notify_users
from server.organisations.models import WEEKDAYS, Membership, Team
from server.organisations.queries import active_team_ids
from server.rota.models import TASK_WORDS, TASKS, Rota
from server.rota.operations import done_this_week, on_duty, turns_of

REMINDER_TTL = timedelta(hours=12)


def reminder_instant(monday, remind_day: str, remind_time: str) -> datetime:
    """When that week's reminders fall due, as an aware datetime (the team's London wall-clock time)."""
    day = monday + timedelta(days=WEEKDAYS.index(remind_day))
    hours, minutes = int(remind_time[:2]), int(remind_time[3:5])
    return datetime.combine(day, time(hours, minutes), tzinfo=clock.LONDON)


def due_rotas(now: datetime) -> list[Rota]:
    monday = week_start(clock.london_day(now))
    # An archived team (or a team of an archived board) is reminded of nothing.
    return [r for r in db.session.scalars(sa.select(Rota).where(Rota.team_id.in_(active_team_ids())).order_by(Rota.team_id))
            if reminder_instant(monday, r.remind_day, r.remind_time) <= now]


def _event_key(team_id: str, monday, task: str) -> str:
    return f"rota:{team_id}:{monday}:{task}"


def to_tell(rota: Rota, monday, done: set[str], turns: dict[str, list[str]]) -> dict[str, str]:
    """task -> who is on for it, for each of the team's tasks not done this week."""
    on = {task: on_duty(turns.get(task, []), rota.start_week, monday) for task in TASKS if task not in done}
    return {task: uid for task, uid in on.items() if uid is not None}


def remind_team(rota: Rota, team_name: str, monday, on: dict[str, str]) -> int:
    """Tell whoever is on for each undone task (``on``) this week, if still an active member (checked
    again here, under the write lock: they may have left since the check began)."""
    told = 0
    members = set(db.session.scalars(sa.select(Membership.user_id).join(User, User.id == Membership.user_id).where(
        Membership.team_id == rota.team_id, Membership.user_id.in_(set(on.values())), User.active.is_(True))))
    for task, uid in on.items():
        if uid not in members:
            continue
        words = TASK_WORDS[task]
        told += notify_users([uid], team_id=rota.team_id, type="rota_reminder", key=_event_key(rota.team_id, monday, task),
                             title=f"{team_name}: your turn to {words}",
                             body=f"You're on the rota to {words} this week, and it is not done yet.",
                             url=f"/teams/{rota.team_id}/rota", ttl=REMINDER_TTL,
                             code=task)  # the push tag names the task: two tasks, two notifications
    return told


def remind_all() -> int:
    """Send the reminders due now; returns how many people were told something new. One short
    transaction per team, so one team's trouble never holds the others' back."""
    now = clock.now()
    monday = week_start(clock.london_day(now))
    due = due_rotas(now)
    if not due:
        db.session.commit()
        return 0
    ids = [r.team_id for r in due]
    turns = turns_of(ids)
    done = done_this_week(sa.select(Team.id).where(Team.id.in_(ids)), monday)
    names = dict(db.session.execute(sa.select(Team.id, Team.name).where(Team.id.in_(ids))).all())
    members = set(db.session.execute(sa.select(Membership.team_id, Membership.user_id).join(User, User.id == Membership.user_id)
                                     .where(Membership.team_id.in_(ids), User.active.is_(True))).tuples())
    wanted = {rota.team_id: {task: uid for task, uid in to_tell(rota, monday, done.get(rota.team_id, set()),
                                                                turns.get(rota.team_id, {})).items()
                             if (rota.team_id, uid) in members}
              for rota in due}
    # Most checks after the first of the week find everyone told already: skip those teams before
    # taking any write lock (the insert's conflict rule still makes a race harmless).
    keys = [_event_key(team_id, monday, task) for team_id, on in wanted.items() for task in on]
    people = {uid for on in wanted.values() for uid in on.values()}
    sent = set(db.session.execute(sa.select(Notification.user_id, Notification.event_key).where(
        Notification.user_id.in_(people), Notification.event_key.in_(keys))).tuples()) if keys else set()
    db.session.commit()
    told = 0
    for rota in due:
        on = {task: uid for task, uid in wanted[rota.team_id].items()
              if (uid, _event_key(rota.team_id, monday, task)) not in sent}
        if not on:
            continue
        # On SQLite, take the write lock before reading who to tell, so a check running at the same
        # time waits and then finds the inbox rows this one wrote (its insert then does nothing).
        begin_write(db.session())
        told += remind_team(rota, names[rota.team_id], monday, on)
        db.session.commit()
    return told
