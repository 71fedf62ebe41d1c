"""The figures of the board and national views and of the bi-monthly board report.

Fidelity is never worked out here: the counts and statuses come from
:func:`server.fidelity.operations.fidelity` (and, for the trend, the same :func:`element_weeks` and
:func:`status_of` over each month's weeks), so every figure equals ``GET /api/fidelity``'s for the
same dates. Milestones count when reached inside the period's weeks (London time); an improvement
signal counts when a point of the box score's chart in the period's weeks is special cause in the
measure's better direction, analysed as the chart stood at the end of the period."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, Iterable

import sqlalchemy as sa

from server.core import clock
from server.core.models import UTCDateTime
from server.extensions import db
from server.fidelity.operations import ELEMENTS, element_weeks, fidelity, status_of
from server.fidelity.period import Period
from server.fidelity.protected import protected_minutes
from server.huddles.models import Huddle, HuddleNote
from server.improvement.models import Idea, IdeaMove
from server.measures.boxscore import signals_between
from server.milestones.ladder import BY_CODE, ORDER
from server.milestones.models import TeamMilestone
from server.organisations.models import Board, Team
from server.organisations.queries import active_team_ids

TREND_MONTHS = 12


# ------------------------------------------------------------------------------------------------
# periods
# ------------------------------------------------------------------------------------------------
def month_start(day: date, back: int = 0) -> date:
    """The first day of the month ``back`` months before ``day``'s."""
    months = day.year * 12 + day.month - 1 - back
    return date(months // 12, months % 12 + 1, 1)


def last_two_months(today: date) -> tuple[date, date]:
    """The default report period: the last two complete calendar months (a report in December covers
    October and November)."""
    return month_start(today, 2), month_start(today) - timedelta(days=1)


def _instants(period: Period) -> tuple[datetime, datetime]:
    """From the period's first Monday 00:00 to the Monday after its last week, London time."""
    return clock.london_midnight(period.first), clock.london_midnight(period.last + timedelta(weeks=1))


# ------------------------------------------------------------------------------------------------
# milestones and signals
# ------------------------------------------------------------------------------------------------
def milestones_reached(team_ids: sa.Select, period: Period) -> list[dict[str, Any]]:
    start, end = _instants(period)
    rows = db.session.execute(sa.select(TeamMilestone.team_id, TeamMilestone.code, TeamMilestone.reached_at).where(
        TeamMilestone.team_id.in_(team_ids), TeamMilestone.reached_at >= start, TeamMilestone.reached_at < end))
    found = [{"team_id": t, "code": code, "label": BY_CODE[code].label if code in BY_CODE else code, "reached_at": at}
             for t, code, at in rows]
    found.sort(key=lambda m: (m["reached_at"], ORDER.get(m["code"], len(ORDER)), m["team_id"]))
    return found


def improvement_signals(teams: list[Team], period: Period, *, charts: bool = False) -> dict[str, list[dict[str, Any]]]:
    """team -> the measures whose chart shows a special-cause improvement in the period's weeks, with
    those weeks (and, with ``charts``, the chart's points over the period to draw it)."""
    if not teams:
        return {}
    # The chart as it stood in the period's last week (a later point cannot rewrite history's signals).
    found = signals_between(teams, period.first, clock.london_midnight(period.last + timedelta(days=3)), "improvement",
                            chart_weeks=period.weeks if charts else None)
    signals: dict[str, list[dict[str, Any]]] = {}
    for team_id, hits in found.items():
        for hit in hits:
            signal = {"measure_id": hit["measure"]["id"], "measure_name": hit["measure"]["name"], "group": hit["group"],
                      "weeks": hit["weeks"]}
            if charts:
                row = hit["row"]
                signal.update(
                    unit=row["unit"], direction=row["analysis"]["direction"],
                    rule_set_label=row["analysis"]["rule_set_label"],
                    points=[{"week_start": date.fromisoformat(p["week_start"]), "value": p["value"],
                             "centre": p.get("centre"), "upper": p.get("upper"), "lower": p.get("lower"),
                             "signal": p["signal"]} for p in row["analysis"]["points"]])
            signals.setdefault(team_id, []).append(signal)
    return signals


# ------------------------------------------------------------------------------------------------
# highlights ("share in report")
# ------------------------------------------------------------------------------------------------
def highlights(team_ids: sa.Select, period: Period) -> list[dict[str, Any]]:
    """Huddle notes marked "share in report" of huddles held in the period, and adopted ideas so
    marked whose adoption (the move to adopted, by the device's clock) fell in it; oldest first."""
    found: list[dict[str, Any]] = []
    notes = db.session.execute(
        sa.select(HuddleNote.id, HuddleNote.team_id, HuddleNote.step, HuddleNote.text, Huddle.held_on)
        .join(Huddle, sa.and_(Huddle.id == HuddleNote.huddle_id, Huddle.team_id == HuddleNote.team_id))
        .where(HuddleNote.team_id.in_(team_ids), HuddleNote.share_in_report.is_(True),
               Huddle.held_on.between(period.first, period.last + timedelta(days=6))))
    for note_id, team_id, step, text, held_on in notes:
        found.append({"kind": "huddle_note", "id": note_id, "team_id": team_id, "on": held_on, "step": step,
                      "title": None, "text": text})
    start, end = _instants(period)
    adopted = (sa.select(IdeaMove.idea_id, sa.func.max(IdeaMove.moved_at, type_=UTCDateTime()).label("adopted_at"))
               .where(IdeaMove.team_id.in_(team_ids), IdeaMove.to_status == "adopted").group_by(IdeaMove.idea_id).subquery())
    ideas = db.session.execute(
        sa.select(Idea.id, Idea.team_id, Idea.title, Idea.description, adopted.c.adopted_at)
        .join(adopted, adopted.c.idea_id == Idea.id)
        .where(Idea.team_id.in_(team_ids), Idea.share_in_report.is_(True), Idea.status == "adopted",
               adopted.c.adopted_at >= start, adopted.c.adopted_at < end))
    for idea_id, team_id, title, description, adopted_at in ideas:
        found.append({"kind": "idea", "id": idea_id, "team_id": team_id, "on": clock.london_day(adopted_at),
                      "step": None, "title": title, "text": description})
    found.sort(key=lambda h: (h["on"], h["team_id"], h["kind"], h["id"]))
    return found


# ------------------------------------------------------------------------------------------------
# the views
# ------------------------------------------------------------------------------------------------
def _period_of(period: Period, start: date, end: date) -> dict[str, Any]:
    return {"from_": start, "to": end, "first_week": period.first, "last_week": period.last, "weeks": period.weeks}


def national_overview(boards: list[Board], start: date, end: date) -> dict[str, Any]:
    """One row per board (and the total): fidelity counts, milestones reached, teams with improvement signals."""
    period = Period.touching(start, end)
    ids = [b.id for b in boards]
    listed = sa.and_(Team.board_id.in_(ids), Team.id.in_(active_team_ids()))  # archived teams are not counted
    teams_select = sa.select(Team.id, Team.board_id, Team.name).where(listed)
    figures = fidelity(teams_select, period)
    team_ids = sa.select(Team.id).where(listed)
    board_of = {row["team_id"]: row["board_id"] for row in figures["teams"]}
    teams = list(db.session.scalars(sa.select(Team).where(listed)))
    signals = improvement_signals(teams, period)
    milestones = milestones_reached(team_ids, period)
    rows = {b.id: {"board_id": b.id, "board_name": b.name, "teams": 0, "summary": {"all_three": 0, "some": 0, "none": 0},
                   "milestones_reached": 0, "teams_with_improvement_signals": 0} for b in boards}
    for row in figures["teams"]:
        rows[row["board_id"]]["teams"] += 1
        rows[row["board_id"]]["summary"][row["status"]] += 1
    for m in milestones:
        rows[board_of[m["team_id"]]]["milestones_reached"] += 1
    for team_id in signals:
        rows[board_of[team_id]]["teams_with_improvement_signals"] += 1
    return {"period": _period_of(period, start, end), "summary": figures["summary"], "teams": len(figures["teams"]),
            "milestones_reached": len(milestones), "teams_with_improvement_signals": len(signals),
            "boards": sorted(rows.values(), key=lambda r: (r["board_name"].casefold(), r["board_id"]))}


def board_figures(board: Board, start: date, end: date, *, report: bool = False) -> dict[str, Any]:
    """One board's teams: each team's fidelity (exactly ``GET /api/fidelity``'s rows), milestones and
    signals; for the report also protected time, the signals' charts and the highlights."""
    period = Period.touching(start, end)
    listed = sa.and_(Team.board_id == board.id, Team.id.in_(active_team_ids()))  # archived teams are not counted
    teams_select = sa.select(Team.id, Team.board_id, Team.name).where(listed)
    team_ids = sa.select(Team.id).where(listed)
    figures = fidelity(teams_select, period)
    teams = {t.id: t for t in db.session.scalars(sa.select(Team).where(listed))}
    names = {t.id: t.name for t in teams.values()}
    signals = improvement_signals(list(teams.values()), period, charts=report)
    milestones = [{**m, "team_name": names[m["team_id"]]} for m in milestones_reached(team_ids, period)]
    reached: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in milestones:
        reached[m["team_id"]].append(m)
    minutes = protected_minutes(team_ids, period) if report else {}
    rows = []
    for row in figures["teams"]:
        team_id = row["team_id"]
        out = {**row, "team_name": names[team_id], "milestones_reached": len(reached[team_id]),
               "improvement_signals": len(signals.get(team_id, []))}
        if report:
            spent = minutes.get(team_id, {})
            huddle = sum(v["huddle"] for v in spent.values())
            other = sum(v["box_score_and_board"] for v in spent.values())
            out["protected_minutes"] = {"huddle": huddle, "box_score_and_board": other,
                                        "per_week": round((huddle + other) / period.weeks, 1)}
        rows.append(out)
    flat_signals = [{"team_id": t, "team_name": names[t], **s} for t in sorted(signals, key=lambda t: names[t].casefold())
                    for s in signals[t]]
    result = {"board": {"id": board.id, "name": board.name}, "period": _period_of(period, start, end),
              "summary": figures["summary"], "teams": rows, "milestones": milestones, "signals": flat_signals}
    if report:
        result["generated_at"] = clock.now()
        result["highlights"] = [{**h, "team_name": names[h["team_id"]]} for h in highlights(team_ids, period)]
        result["protected_minutes"] = {
            k: sum(r["protected_minutes"][k] for r in rows) for k in ("huddle", "box_score_and_board")}
    return result


def trend(boards: Iterable[Board], today: date) -> dict[str, Any]:
    """The all_three / some / none counts for each of the last 12 complete calendar months (each
    month's ISO weeks, as ``GET /api/fidelity`` with that month's first and last day), oldest first.
    Read in one pass over the year (the same three queries as one fidelity call)."""
    ids = [b.id for b in boards]
    months = [(month_start(today, back), month_start(today, back - 1) - timedelta(days=1))
              for back in range(TREND_MONTHS, 0, -1)]
    periods = [Period.touching(a, b) for a, b in months]
    year = Period(periods[0].first, periods[-1].last)
    listed = sa.and_(Team.board_id.in_(ids), Team.id.in_(active_team_ids()))  # archived teams are not counted
    team_ids = list(db.session.scalars(sa.select(Team.id).where(listed)))
    present = element_weeks(sa.select(Team.id).where(listed), year)
    empty = {e: set() for e in ELEMENTS}
    out = []
    for (first_day, last_day), period in zip(months, periods):
        summary = {"all_three": 0, "some": 0, "none": 0}
        for team_id in team_ids:
            weeks = present.get(team_id) or empty
            counts = {e: sum(1 for w in weeks[e] if period.first <= w <= period.last) for e in ELEMENTS}
            summary[status_of(counts, period.weeks)] += 1
        out.append({"month": first_day.strftime("%Y-%m"), "from_": first_day, "to": last_day,
                    "weeks": period.weeks, "summary": summary})
    return {"months": out, "teams": len(team_ids)}
