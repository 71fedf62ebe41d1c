from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.accounts.models import User
from server.core.models import Base, UTCDateTime, created_column, id_column

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MEMBER_ROLES = ("member", "lead")


class Board(Base):
    """An NHS health board."""

    __tablename__ = "boards"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[datetime] = created_column()
    # Set when an administrator archives the board: its teams keep their history but stop being listed
    # (server.organisations.queries.active_team_ids).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    teams: Mapped[list[Team]] = relationship(back_populates="board")

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (sa.UniqueConstraint("board_id", "name"),)

    id: Mapped[str] = id_column()
    board_id: Mapped[str] = mapped_column(sa.ForeignKey("boards.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    service: Mapped[str | None] = mapped_column(sa.String(120))
    contracted_hours_per_week: Mapped[float | None] = mapped_column(sa.Float)
    huddle_day: Mapped[str | None] = mapped_column(sa.String(9))
    huddle_time: Mapped[str | None] = mapped_column(sa.String(5))
    vision_statement: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = created_column()
    # Set when the team is archived: it keeps its history but is no longer listed or synced to new devices.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    board: Mapped[Board] = relationship(back_populates="teams")
    memberships: Mapped[list[Membership]] = relationship(back_populates="team", cascade="all, delete-orphan")

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (sa.CheckConstraint("role IN ('member', 'lead')", name="role"),)

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(sa.String(6))
    created_at: Mapped[datetime] = created_column()

    team: Mapped[Team] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class CoachAssignment(Base):
    """A coach follows a team; coaches may follow teams in any board."""

    __tablename__ = "coach_assignments"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    coach_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = created_column()

    team: Mapped[Team] = relationship()
    coach: Mapped[User] = relationship()


class TeamDisplay(Base):
    """The account of a team's board display (a ward TV): it reads that team and writes nothing.
    Its devices are signed in and out by the team's leads and admins."""

    __tablename__ = "team_displays"

    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), unique=True)
    created_at: Mapped[datetime] = created_column()

    team: Mapped[Team] = relationship()
    user: Mapped[User] = relationship()


class BoardLead(Base):
    """A board lead (role ``board_lead``) reads and manages the teams of one health board, and reads
    its fidelity and reports. One board each; a board may have several."""

    __tablename__ = "board_leads"

    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    board_id: Mapped[str] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = created_column()

    board: Mapped[Board] = relationship()
    user: Mapped[User] = relationship()
