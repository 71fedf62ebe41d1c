"""The milestones a team reached: once per team, ever (the primary key), whatever happens later to
the records that showed it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime


class TeamMilestone(Base):
    __tablename__ = "team_milestones"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    reached_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What showed it: the record, week or measure (detected), or a note that a coach confirmed it.
    evidence: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    confirmed_by_user_id: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
