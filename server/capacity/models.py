"""Typed read-side tables for capacity, kept up to date from the synced records.

Writes arrive only through sync (``capacity_entries`` and ``time_lost_categories`` collections); the
sync store projects every change into these tables in the same transaction, so reports query plain
indexed columns instead of JSON.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime
from server.core.schemas import CODE_POINTS_PER_CHARACTER  # text columns hold what written_text() accepts

KINDS = ("time_lost", "meeting", "admin")

# The categories a team starts with until its lead edits the list, kept once for the server and the
# PWA in spec/ (see spec/README.md). The names are identities (record ids are derived from them).
SPEC_DEFAULT_CATEGORIES = Path(__file__).resolve().parents[2] / "spec" / "default_time_lost_categories.json"
_SPEC = json.loads(SPEC_DEFAULT_CATEGORIES.read_text("utf-8"))
DEFAULT_TIME_LOST_CATEGORIES: tuple[str, ...] = tuple(_SPEC["categories"])
DEFAULT_CATEGORY_NAMESPACE = uuid.UUID(_SPEC["record_id_namespace"])


def default_category_id(team_id: str, name: str) -> str:
    """The record id of a team's default category ``name`` (the PWA computes the same): two leads who
    start editing the list offline create the same records, and the team in it keeps it the team's."""
    return str(uuid.uuid5(DEFAULT_CATEGORY_NAMESPACE, f"{team_id}/{name}"))


class CapacityEntry(Base):
    __tablename__ = "capacity_entries"
    __table_args__ = (sa.Index("ix_capacity_entries_team_day", "team_id", "occurred_on"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    minutes: Mapped[int]
    occurred_on: Mapped[date]
    category: Mapped[str | None] = mapped_column(sa.String(80 * CODE_POINTS_PER_CHARACTER))
    note: Mapped[str | None] = mapped_column(sa.String(500 * CODE_POINTS_PER_CHARACTER))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


#: A weekly total's synced record (``capacity_weekly_totals``) has the id
#: ``uuid5(this, "<team_id>/<week_start>/<kind>/<category or ''>")``: one per bucket, and the team's id in it
#: means no record of another team can ever take it.
WEEKLY_TOTAL_NAMESPACE = uuid.UUID("9d3e6b1a-4c2f-4e8b-b7a5-1f0c8d2e6a93")

#: How many weeks of capacity entries a device keeps (its sync window): this week and the 15 before.
ENTRY_WINDOW_WEEKS = 16


def weekly_total_id(team_id: str, week: date | str, kind: str, category: str | None) -> str:
    week_text = week if isinstance(week, str) else week.isoformat()
    return str(uuid.uuid5(WEEKLY_TOTAL_NAMESPACE, f"{team_id}/{week_text}/{kind}/{category or ''}"))


class CapacityWeeklyTotal(Base):
    """Minutes per team, ISO week, kind and category, maintained incrementally with the entries.

    A year of a 50-person team is ~150,000 entries; the box score reads at most a few hundred of
    these rows instead. ``category`` is '' when an entry has none (key columns cannot be null).
    Devices get them as the read-only synced collection ``capacity_weekly_totals`` (one record per
    row, :func:`weekly_total_id`), written by the same push as the entries they sum.
    """

    __tablename__ = "capacity_weekly_totals"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)  # the Monday
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(80 * CODE_POINTS_PER_CHARACTER), primary_key=True)
    minutes: Mapped[int] = mapped_column(default=0)
    entries: Mapped[int] = mapped_column(default=0)


class TimeLostCategory(Base):
    __tablename__ = "time_lost_categories"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80 * CODE_POINTS_PER_CHARACTER))
    # Names it had before a rename: entries logged under them still count for this category.
    former_names: Mapped[list] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
