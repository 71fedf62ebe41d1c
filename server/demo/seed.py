from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa

from server.accounts.models import User, normalise_email
from server.accounts.operations import create_user
from server.coaching.models import CoachingNote
from server.coaching.operations import add_note
from server.core import clock
from server.demo import data
from server.extensions import db
from server.organisations.models import Board, CoachAssignment, Membership, Team
from server.rota.models import Rota
from server.rota.operations import set_rota


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
    created += _seed_coaching_notes(teams)
    for name, local, team_name, role in data.STAFF:
        person = user(name, f"{local}@valueboard.demo", "staff")
        if db.session.get(Membership, (teams[team_name].id, person.id)) is None:
            db.session.add(Membership(team_id=teams[team_name].id, user_id=person.id, role=role))
            created += 1
    db.session.commit()
    created += seed_team_records(teams)
    created += seed_rota(teams[data.ROTA["team"]])
    return created


def _seed_coaching_notes(teams: dict[str, Team]) -> int:
    """Each coach's first two teams get a coaching conversation (the first one's next is overdue), so
    the caseload shows a note and the flag."""
    created = 0
    today = clock.today()
    for _, email, coached in data.COACHES:
        coach = db.session.scalar(sa.select(User).where(User.email_normalised == normalise_email(email)))
        for team_name, (held_days_ago, next_in_days, discussed, next_steps) in zip(coached, data.COACHING_NOTES):
            team = teams[team_name]
            if db.session.scalar(sa.select(CoachingNote.id).where(CoachingNote.team_id == team.id).limit(1)):
                continue
            add_note(team.id, coach, today - timedelta(days=held_days_ago), discussed, next_steps,
                     today + timedelta(days=next_in_days))
            created += 1
    return created


def seed_rota(team: Team) -> int:
    """Ward 3B's weekly rota, its turns starting this week (once: a rota a lead changed is theirs)."""
    if db.session.get(Rota, team.id) is not None:
        return 0
    ids = dict(db.session.execute(sa.select(User.email_normalised, User.id)).all())
    set_rota(team, remind_day=data.ROTA["remind_day"], remind_time=data.ROTA["remind_time"],
             tasks={task: [ids[normalise_email(f"{local}@valueboard.demo")] for local in people]
                    for task, people in data.ROTA["tasks"].items()})
    db.session.commit()
    return 1


# ---- huddles, ideas and actions; box scores: measures, categories, 16 weeks of capacity entries and values ---------------------
DEMO_NAMESPACE = uuid.UUID("0d8c3f4e-93a1-4b47-8a40-5e6c2f7d9b21")


def _demo_id(*parts: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, "/".join(parts)))


def _upsert(collection: str, record_id: str, **fields) -> dict:
    return {"collection": collection, "record_id": record_id, "op": "upsert", "fields": fields}


def seed_team_records(teams: dict[str, Team], now: datetime | None = None) -> int:
    """Every demo team's huddle history (:mod:`server.demo.improvement`) and box score, written through the sync engine as the people who would write it (the
    lead defines measures and categories and enters the weekly values; staff log their own capacity), so
    devices pull it like anything else. Record ids are derived from what they describe, and records that
    already exist are left alone: running it again only fills in what is missing (such as a new week)."""
    from server.board.models import board_settings_id
    from server.demo.improvement import seed_improvement
    from server.capacity.models import DEFAULT_TIME_LOST_CATEGORIES
    from server.measures.models import measure_value_id
    from server.core import clock
    from server.core.weeks import current_week_start, last_weeks
    from server.sync_api.models import SyncRecord
    from server.sync_api.operations import write_as_server

    now = now or clock.now()
    today = clock.london_day(now)
    weeks = last_weeks(data.DEMO_WEEKS, current_week_start(now))
    people = {email: u for email, u in db.session.execute(sa.select(User.email_normalised, User))}
    created = 0
    for _board, team_name, _service, hours, *_ in data.TEAMS:
        team = teams[team_name]
        existing = set(db.session.scalars(sa.select(SyncRecord.record_id).where(SyncRecord.team_id == team.id)))
        staff = [(people[f"{local}@valueboard.demo"], role) for _n, local, t, role in data.STAFF if t == team_name]
        lead = next(user for user, role in staff if role == "lead")

        def write(user, mutations, written_at=None):
            nonlocal created
            fresh = [m for m in mutations if m["record_id"] not in existing]
            if not fresh:
                return
            results = write_as_server(user, fresh, written_at=written_at)
            refused = [r for r in results if r["status"] != "applied"]
            if refused:
                raise RuntimeError(f"demo data refused for {team_name}: {refused[:3]}")
            created += len(fresh)

        # The huddle history first: it is stamped in the past, and a server client's hlcs only rise.
        seed_improvement(team, lead, write, team_name, _demo_id)
        category_ids = {name: _demo_id(team_name, "category", name) for name in DEFAULT_TIME_LOST_CATEGORIES}
        setup = [_upsert("time_lost_categories", category_ids[name], team_id=team.id, name=name, position=i)
                 for i, name in enumerate(DEFAULT_TIME_LOST_CATEGORIES)]
        measure_ids = {}
        for position, (key, name, group, subgroup, unit, direction, target, aim, definition, derived, _p) in enumerate(
                data.MEASURES):
            measure_ids[key] = _demo_id(team_name, "measure", key)
            fields = dict(team_id=team.id, name=name, group=group, subgroup=subgroup, unit=unit, direction=direction,
                          target=target, aim=aim, operational_definition=definition, position=position)
            if derived:
                kind, category, derived_unit = derived
                fields.update(source="derived", derived_kind=kind, derived_unit=derived_unit,
                              derived_category_id=category_ids[category] if category else None)
            setup.append(_upsert("measures", measure_ids[key], **fields))
        setup.append(_upsert("board_settings", board_settings_id(team.id), team_id=team.id, **data.BOARD_AIMS))
        write(lead, setup)

        for number, (user, _role) in enumerate(staff):
            rng = random.Random(f"{team_name}/{user.email_normalised}")
            entries = []
            for w, monday in enumerate(weeks):
                for d in range(5):
                    day = monday + timedelta(days=d)
                    if day > today:
                        break
                    for n in range(rng.choice((0, 1, 1, 2, 2, 3))):
                        entries.append(_demo_entry(rng, team, team_name, user, day, n, improved=w >= 8))
            write(user, entries)

        values = []
        for key, *_rest, pattern in data.MEASURES:
            if pattern is None:
                continue
            series = _pattern(pattern, random.Random(f"{team_name}/{key}"), len(weeks), hours)
            for monday, value in zip(weeks, series):
                values.append(_upsert("measure_values", measure_value_id(measure_ids[key], monday), team_id=team.id,
                                      measure_id=measure_ids[key], week_start=monday.isoformat(), value=value))
        write(lead, values)
    return created


def _demo_entry(rng: random.Random, team: Team, team_name: str, user: User, day, n: int, improved: bool) -> dict:
    fields = {"team_id": team.id, "occurred_on": day.isoformat(), "category": None, "note": None}
    kind = rng.choices(("time_lost", "meeting", "admin"), weights=(6, 2, 2))[0]
    if kind == "time_lost":
        weights = dict(data.TIME_LOST_WEIGHTS)
        if improved:  # the equipment store was sorted out in week 9: far less searching since
            weights["Searching for equipment or information"] = data.SEARCHING_AFTER_THE_STORE_WAS_SORTED
        fields["category"] = rng.choices(list(weights), weights=list(weights.values()))[0]
        fields["minutes"] = rng.choice(data.TIME_LOST_MINUTES)
        if rng.random() < 0.1:
            fields["note"] = rng.choice(("hoist in use on another ward", "printer jammed again", "bed manager call",
                                         "waiting for pharmacy", "no slide sheets on the ward"))
    elif kind == "meeting":
        fields["minutes"] = rng.choice((15, 30, 30, 45, 60))
    else:
        fields["minutes"] = rng.choice((10, 15, 20, 30))
    fields["kind"] = kind
    return _upsert("capacity_entries", _demo_id(team_name, "entry", user.email_normalised, day.isoformat(), str(n)),
                   **fields)


def _pattern(pattern: str, rng: random.Random, n: int, contracted_hours: float) -> list[float]:
    """Weekly values with the shape a huddle would talk about (n = 16 weeks, oldest first)."""
    if pattern == "shift_up":  # a test of change in week 10 lifts the process: a run of 7 above the mean
        base = round(contracted_hours / 12)
        return [round(rng.gauss(base * (1.18 if i >= n - 7 else 1.0), base * 0.04)) for i in range(n)]
    if pattern == "trend_down":  # DNA reminders by text: seven weeks, each lower than the one before
        values = [round(rng.gauss(12.0, 0.6), 1) for _ in range(n - 7)]
        return values + [round(11.6 - 0.5 * i, 1) for i in range(7)]
    if pattern == "spike":  # one bad week far beyond the limits
        values = [float(rng.choice((1, 2, 2, 2, 3, 3))) for _ in range(n)]
        values[n - 5] = 9.0
        return values
    if pattern == "shift_down":  # agency use brought under control in week 10
        return [round(rng.gauss(2300 if i >= n - 7 else 3200, 150)) for i in range(n)]
    if pattern == "steady_joy":
        return [round(min(5.0, rng.gauss(3.7, 0.15)), 1) for _ in range(n)]
    return [round(min(100.0, rng.gauss(88, 2.5))) for _ in range(n)]  # steady: common cause only
