"""Reaching a milestone (once per team, ever) and telling the team's coaches and leads, in the
caller's transaction; confirming a manual one; listing a team's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from server.core import clock
from server.extensions import db
from server.milestones.ladder import BY_CODE, ORDER
from server.milestones.models import TeamMilestone
from server.notifications.operations import notify_team
from server.organisations.models import Team

MILESTONE_TTL = timedelta(days=7)  # a push older than a week is news no longer


def reached_codes(team_ids: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {t: set() for t in team_ids}
    for team_id, code in db.session.execute(sa.select(TeamMilestone.team_id, TeamMilestone.code)
                                            .where(TeamMilestone.team_id.in_(team_ids))):
        found[team_id].add(code)
    return found


def reach(team_id: str, code: str, evidence: dict[str, Any], confirmed_by: Optional[str] = None) -> bool:
    """Record that the team reached ``code`` unless it already had; on the first time only, notify.
    Two transactions reaching it at once: the database's key lets one in, the other does nothing."""
    conn = db.session.connection()
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    inserted = db.session.execute(
        insert(TeamMilestone).values(team_id=team_id, code=code, reached_at=clock.now(), evidence=evidence,
                                     confirmed_by_user_id=confirmed_by)
        .on_conflict_do_nothing(index_elements=["team_id", "code"]).returning(TeamMilestone.code)).first()
    if inserted is None:
        return False
    step = BY_CODE[code]
    team_name = db.session.scalar(sa.select(Team.name).where(Team.id == team_id)) or "A team"
    notify_team(team_id, type="milestone", code=code, key=f"milestone:{team_id}:{code}",
                title=f"{team_name}: {step.label}", body=step.how, url=f"/teams/{team_id}/board", ttl=MILESTONE_TTL)
    return True


def milestones_of(team_id: str) -> list[TeamMilestone]:
    rows = db.session.scalars(sa.select(TeamMilestone).where(TeamMilestone.team_id == team_id)).all()
    return sorted(rows, key=lambda m: ORDER.get(m.code, len(ORDER)))
