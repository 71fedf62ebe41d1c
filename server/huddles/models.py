"""Typed read tables of huddles and their notes, projected from the synced records."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime

#: The huddle's agenda, in the order it is run at the board (domain.md: ~10 minutes on the data and
#: improvement work, then questions).
STEPS = ("data", "tests_of_change", "celebrations", "ideas", "actions", "barriers", "questions")


class Huddle(Base):
    __tablename__ = "huddles"
    __table_args__ = (sa.Index("ix_huddles_team_held_on", "team_id", "held_on"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    held_on: Mapped[date]
    attendee_count: Mapped[int]
    manager_present: Mapped[bool]
    finance_present: Mapped[bool]
    facilitator_user_id: Mapped[str | None] = mapped_column(sa.String(36))
    duration_minutes: Mapped[int | None]
    user_id: Mapped[str] = mapped_column(sa.String(36))  # who recorded it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HuddleNote(Base):
    """One note under one step of one huddle: two people typing into the same step on two offline
    devices make two records, so both keep their words."""

    __tablename__ = "huddle_notes"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    huddle_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    step: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    # A lead or coach chose it as a highlight of the bi-monthly board report.
    share_in_report: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    user_id: Mapped[str] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
