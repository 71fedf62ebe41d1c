"""Typed read-side tables for box score measures and their weekly values (projected from sync)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime
from server.core.schemas import CODE_POINTS_PER_CHARACTER  # text columns hold what written_text() accepts

GROUPS = ("performance", "capacity", "cost", "staff_experience")
SUBGROUPS = ("quality", "safety", "experience", "access", "flow", "other")
DIRECTIONS = ("up", "down", "neutral")
STATUSES = ("active", "less_frequent", "retired")
RULE_SETS = ("mdc", "ihi")
SOURCES = ("manual", "derived")
DERIVED_KINDS = ("time_lost", "meeting", "admin")
DERIVED_UNITS = ("hours", "percent_of_contracted")
MEASURE_VALUE_NAMESPACE = uuid.UUID("5b0c6a8e-3f1d-4d8a-9c63-7e2f1a9b4d10")


def measure_value_id(measure_id: str, week: date | str) -> str:
    """The one record id a measure's value for a week can have (the PWA computes the same): two devices
    entering the same week offline write one record (see :class:`MeasureValue`)."""
    week_text = week.isoformat() if isinstance(week, date) else week
    return str(uuid.uuid5(MEASURE_VALUE_NAMESPACE, f"{measure_id}/{week_text}"))


class Measure(Base):
    __tablename__ = "measures"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120 * CODE_POINTS_PER_CHARACTER))
    group: Mapped[str] = mapped_column(sa.String(20))
    subgroup: Mapped[str | None] = mapped_column(sa.String(20))
    unit: Mapped[str | None] = mapped_column(sa.String(40 * CODE_POINTS_PER_CHARACTER))
    direction: Mapped[str] = mapped_column(sa.String(7), default="neutral")
    target: Mapped[float | None] = mapped_column(sa.Float)
    aim: Mapped[str | None] = mapped_column(sa.String(500 * CODE_POINTS_PER_CHARACTER))
    operational_definition: Mapped[str | None] = mapped_column(sa.String(2000 * CODE_POINTS_PER_CHARACTER))
    source: Mapped[str] = mapped_column(sa.String(10), default="manual")
    # For derived measures: which capacity entries, and whether as hours or % of contracted hours.
    derived_kind: Mapped[str | None] = mapped_column(sa.String(10))
    derived_category_id: Mapped[str | None] = mapped_column(sa.String(36))
    derived_unit: Mapped[str | None] = mapped_column(sa.String(24))
    on_board: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(sa.String(14), default="active")
    rule_set: Mapped[str] = mapped_column(sa.String(4), default="mdc")
    # Mondays where the team re-based its limits after a sustained change.
    rebase_weeks: Mapped[list] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeasureValue(Base):
    """One value per measure and ISO week. Its record id is derived from (measure, week), so two
    devices entering the same week offline edit one record and meet the engine's conflict rules."""

    __tablename__ = "measure_values"
    __table_args__ = (sa.UniqueConstraint("measure_id", "week_start"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    measure_id: Mapped[str] = mapped_column(sa.String(36))
    week_start: Mapped[date]  # the Monday of the ISO week, Europe/London
    value: Mapped[float] = mapped_column(sa.Float)
    note: Mapped[str | None] = mapped_column(sa.String(500 * CODE_POINTS_PER_CHARACTER))
    user_id: Mapped[str] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
