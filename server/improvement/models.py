"""Typed read tables of ideas (and every move of an idea between statuses), PDSA cycles and actions,
projected from the synced records."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime

IDEA_STATUSES = ("new", "prioritised", "testing", "adopted", "abandoned", "parked")
#: The PICK chart's quadrants: Possible (easy, small gain), Implement (easy, big gain), Challenge
#: (hard, big gain), Kill (hard, small gain).
PICKS = ("possible", "implement", "challenge", "kill")
PDSA_DECISIONS = ("adopt", "adapt", "abandon")
ACTION_STATUSES = ("open", "done", "dropped")


class Idea(Base):
    __tablename__ = "ideas"
    __table_args__ = (sa.Index("ix_ideas_team_status", "team_id", "status"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12))
    pick: Mapped[str | None] = mapped_column(sa.String(10))
    measure_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    huddle_id: Mapped[str | None] = mapped_column(sa.String(36))
    raised_on: Mapped[date]
    # A lead or coach chose this (adopted) idea as a highlight of the bi-monthly board report.
    share_in_report: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    user_id: Mapped[str] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdeaMove(Base):
    """An idea's status changed (or it was raised): when, by whom, from what to what. The board shows
    recent moves; fidelity counts a week's board changes; a move another device overwrote is also in
    the sync conflict log."""

    __tablename__ = "idea_moves"
    __table_args__ = (sa.Index("ix_idea_moves_team_moved_at", "team_id", "moved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    idea_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(12))  # None: the idea was raised
    to_status: Mapped[str] = mapped_column(sa.String(12))
    moved_by: Mapped[str | None] = mapped_column(sa.String(36))
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when the device made the move (its hlc)


class PdsaCycle(Base):
    __tablename__ = "pdsa_cycles"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    idea_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    started_on: Mapped[date]
    plan: Mapped[str] = mapped_column(sa.Text)
    do: Mapped[str | None] = mapped_column(sa.Text)
    study: Mapped[str | None] = mapped_column(sa.Text)
    act: Mapped[str | None] = mapped_column(sa.String(8))
    user_id: Mapped[str] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (sa.Index("ix_actions_team_status_due", "team_id", "status", "due_on"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.Text)
    owner_user_id: Mapped[str | None] = mapped_column(sa.String(36))
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(8))
    huddle_id: Mapped[str | None] = mapped_column(sa.String(36))
    idea_id: Mapped[str | None] = mapped_column(sa.String(36))
    user_id: Mapped[str] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
