"""Coaching conversations (a note per call) and the coach's caseload: every team they follow with
what says it needs help, the teams needing it most first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Optional

import sqlalchemy as sa

from server.accounts.models import User
from server.coaching.models import CoachingNote
from server.core import clock
from server.core.errors import not_found
from server.core.weeks import week_start
from server.extensions import db
from server.fidelity.operations import ELEMENTS, element_weeks, status_of
from server.fidelity.period import Period
from server.fidelity.protected import protected_minutes
from server.huddles.models import Huddle
from server.improvement.models import Action
from server.measures.boxscore import latest_signals
from server.milestones.ladder import BY_CODE, LADDER, ORDER
from server.milestones.models import TeamMilestone
from server.organisations.models import Board, CoachAssignment, Team
from server.organisations.queries import active_team_ids

#: Without an agreed date, the next conversation is due this long after the last (monthly calls).
DEFAULT_CADENCE = timedelta(days=28)
#: A team with no huddle for this long needs help.
NO_HUDDLE_FOR = timedelta(weeks=2)
#: Of the last 4 complete weeks, an element kept in fewer than this many is slipping (the ⌈0.75 N⌉ of fidelity).
KEPT_OF_FOUR = 3
ELEMENT_WORDS = {"box_score": "Box score updated", "board": "Board updated", "huddle": "Huddle held"}


# ------------------------------------------------------------------------------------------------
# notes
# ------------------------------------------------------------------------------------------------
def notes_of(team_id: str) -> list[CoachingNote]:
    return list(db.session.scalars(sa.select(CoachingNote).where(CoachingNote.team_id == team_id)
                                   .order_by(CoachingNote.held_on.desc(), CoachingNote.created_at.desc())))


def add_note(team_id: str, coach: User, held_on: date, discussed: str, next_steps: Optional[str],
             next_on: Optional[date]) -> CoachingNote:
    now = clock.now()
    note = CoachingNote(team_id=team_id, coach_id=coach.id, held_on=held_on, discussed=discussed,
                        next_steps=next_steps, next_on=next_on, created_at=now, updated_at=now)
    db.session.add(note)
    db.session.flush()
    return note


def note_of_team(team_id: str, note_id: str) -> CoachingNote:
    note = db.session.get(CoachingNote, note_id)
    if note is None or note.team_id != team_id:
        raise not_found("coaching note")
    return note


def change_note(note: CoachingNote, changes: dict[str, Any]) -> CoachingNote:
    for name, value in changes.items():
        setattr(note, name, value)
    note.updated_at = clock.now()
    db.session.flush()
    return note


def delete_note(note: CoachingNote) -> None:
    db.session.delete(note)
    db.session.flush()


def next_conversation_due(last: Optional[CoachingNote]) -> Optional[date]:
    if last is None:
        return None
    return last.next_on or last.held_on + DEFAULT_CADENCE


# ------------------------------------------------------------------------------------------------
# the caseload
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reason:
    code: str  # no_huddle | concern_signal | slipping | conversation_overdue | no_conversation | actions_overdue
    text: str
    needs_help: bool  # one of the three the issue names: slipping fidelity, concern signals, no huddle for 2 weeks


def _latest_notes(team_ids: sa.Select) -> dict[str, CoachingNote]:
    ranked = (sa.select(CoachingNote.id, sa.func.row_number().over(
        partition_by=CoachingNote.team_id, order_by=(CoachingNote.held_on.desc(), CoachingNote.created_at.desc())).label("n"))
        .where(CoachingNote.team_id.in_(team_ids)).subquery())
    notes = db.session.scalars(sa.select(CoachingNote).join(ranked, ranked.c.id == CoachingNote.id).where(ranked.c.n == 1))
    return {n.team_id: n for n in notes}


def reasons_for(*, today: date, last_huddle: Optional[date], signals: list[dict], four_weeks: dict[str, int],
                next_due: Optional[date], overdue_actions: int) -> list[Reason]:
    """Why a team may need its coach, the ones that need help first."""
    found = []
    if last_huddle is None:
        found.append(Reason("no_huddle", "No huddle recorded yet", True))
    elif today - last_huddle >= NO_HUDDLE_FOR:
        weeks = (today - last_huddle).days // 7
        found.append(Reason("no_huddle", f"No huddle for {weeks} weeks (last on {last_huddle.strftime('%-d %B')})", True))
    for s in signals:
        if s["signal"] == "concern":
            found.append(Reason("concern_signal", f"Concern signal on {s['measure_name']}", True))
    short = [e for e in ELEMENTS if four_weeks[e] < KEPT_OF_FOUR]
    if short:
        found.append(Reason("slipping", "Fidelity slipping: " + "; ".join(
            f"{ELEMENT_WORDS[e].lower()} in {four_weeks[e]} of the last 4 weeks" for e in short), True))
    if next_due is None:
        found.append(Reason("no_conversation", "No coaching conversation recorded yet", False))
    elif next_due < today:
        found.append(Reason("conversation_overdue", f"Coaching conversation overdue (due {next_due.strftime('%-d %B')})", False))
    if overdue_actions:
        found.append(Reason("actions_overdue", f"{overdue_actions} action{'s' if overdue_actions != 1 else ''} overdue", False))
    return found


def caseload(coach: User, today: Optional[date] = None) -> dict[str, Any]:
    """Every team ``coach`` follows, as the caseload screen shows it. Statuses count complete weeks
    (the last 4 and 12 before this one: this week is not over); ``this_week`` says what is done so far."""
    today = today or clock.today()
    this_week = week_start(today)
    twelve = Period(this_week - timedelta(weeks=12), this_week - timedelta(weeks=1))
    four = Period(this_week - timedelta(weeks=4), this_week - timedelta(weeks=1))
    with_now = Period(twelve.first, this_week)
    followed = sa.select(CoachAssignment.team_id).where(CoachAssignment.coach_id == coach.id,
                                                        CoachAssignment.team_id.in_(active_team_ids()))
    teams = db.session.execute(sa.select(Team, Board.name).join(Board, Board.id == Team.board_id)
                               .where(Team.id.in_(followed))).all()
    present = element_weeks(followed, with_now)
    minutes = protected_minutes(followed, twelve)
    last_huddles = dict(db.session.execute(sa.select(Huddle.team_id, sa.func.max(Huddle.held_on)).where(
        Huddle.team_id.in_(followed), Huddle.held_on <= today).group_by(Huddle.team_id)).all())
    overdue = dict(db.session.execute(sa.select(Action.team_id, sa.func.count()).where(
        Action.team_id.in_(followed), Action.status == "open", Action.due_on < today).group_by(Action.team_id)).all())
    reached: dict[str, list[TeamMilestone]] = {}
    for m in db.session.scalars(sa.select(TeamMilestone).where(TeamMilestone.team_id.in_(followed))):
        reached.setdefault(m.team_id, []).append(m)
    notes = _latest_notes(followed)
    signals_of = latest_signals([team for team, _ in teams], since=this_week - timedelta(weeks=1))

    rows = []
    for team, board_name in teams:
        weeks = present.get(team.id) or {e: set() for e in ELEMENTS}
        counts = {n: {e: sum(1 for w in weeks[e] if p.first <= w <= p.last) for e in ELEMENTS}
                  for n, p in (("4", four), ("12", twelve))}
        signals = signals_of[team.id]
        last_note = notes.get(team.id)
        next_due = next_conversation_due(last_note)
        spent = minutes.get(team.id, {})
        reasons = reasons_for(today=today, last_huddle=last_huddles.get(team.id), signals=signals,
                              four_weeks=counts["4"], next_due=next_due, overdue_actions=overdue.get(team.id, 0))
        milestones = sorted(reached.get(team.id, []), key=lambda m: ORDER.get(m.code, len(ORDER)))
        rows.append({
            "team_id": team.id, "team_name": team.name, "board_id": team.board_id, "board_name": board_name,
            "weeks": twelve.mondays,
            "strips": {e: [w in weeks[e] for w in twelve.mondays] for e in ELEMENTS},
            "this_week": {e: this_week in weeks[e] for e in ELEMENTS},
            "fidelity": {n: {**{f"{e}_weeks": c[e] for e in ELEMENTS}, "status": status_of(c, int(n))}
                         for n, c in counts.items()},
            "last_huddle_on": last_huddles.get(team.id),
            "signals": signals,
            "milestones": [{"code": m.code, "label": BY_CODE[m.code].label if m.code in BY_CODE else m.code,
                            "reached_at": m.reached_at} for m in milestones],
            "milestones_total": len(LADDER),
            "overdue_actions": overdue.get(team.id, 0),
            "protected_minutes_per_week": round(sum(v["huddle"] + v["box_score_and_board"] for v in spent.values())
                                                / twelve.weeks, 1),
            "last_note": last_note,
            "next_conversation_on": next_due,
            "conversation_overdue": next_due is not None and next_due < today,
            "needs_help": any(r.needs_help for r in reasons),
            "reasons": [{"code": r.code, "text": r.text, "needs_help": r.needs_help} for r in reasons],
        })
    # Help first: how many of the three signs of trouble, then the weakest recent fidelity, then the
    # other reasons (a conversation due, actions overdue), then by name so the order is stable.
    rows.sort(key=lambda r: (-sum(x["needs_help"] for x in r["reasons"]),
                             sum(r["fidelity"]["4"][f"{e}_weeks"] for e in ELEMENTS),
                             -len(r["reasons"]), r["team_name"].casefold(), r["team_id"]))
    return {"today": today, "teams": rows}
