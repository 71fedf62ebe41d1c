"""Notes of coaching conversations: one per call between a coach and a team, read by the team's
leads and coaches (never by its staff or other teams)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime, created_column, id_column
from server.core.schemas import CODE_POINTS_PER_CHARACTER

DISCUSSED_MAX = 2000
NEXT_STEPS_MAX = 2000


class CoachingNote(Base):
    __tablename__ = "coaching_notes"
    __table_args__ = (sa.Index("ix_coaching_notes_team_held_on", "team_id", "held_on"),)

    id: Mapped[str] = id_column()
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    # The note keeps its author's name after they leave: users are deactivated, not deleted.
    coach_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id"))
    held_on: Mapped[date]
    discussed: Mapped[str] = mapped_column(sa.String(DISCUSSED_MAX * CODE_POINTS_PER_CHARACTER))
    next_steps: Mapped[str | None] = mapped_column(sa.String(NEXT_STEPS_MAX * CODE_POINTS_PER_CHARACTER))
    next_on: Mapped[date | None]  # the date agreed for the next conversation
    created_at: Mapped[datetime] = created_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
