"""The sync engine's rows in SQL: records, per-device state, per-team counters and the two logs.

Columns mirror the dataclasses in ``sync/store.py`` one to one, so the store converts without
thinking. Times are the engine's own canonical strings (``2026-11-26T10:15:30.123Z``, UTC,
milliseconds): they sort as text, compare in SQL without time-zone surprises, and go back to
the engine unchanged. The typed read tables (``capacity_entries``, ...) are projections of these
rows and use real dates and times.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base

# An HLC is at most 24 (time) + 1 + 4 (counter) + 1 + 64 (client id) characters.
HLC = sa.String(100)
TIME = sa.String(24)


class SyncRecord(Base):
    """A synced record, live or tombstone: field values, the hlc and writers of each field's value.

    ``hlcs`` and ``owners`` are stored compactly; the store expands them (:func:`expand_record`)."""

    __tablename__ = "sync_records"
    __table_args__ = (sa.Index("ix_sync_records_team_version", "team_id", "version"),)

    collection: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(sa.String(128), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(sa.String(36))  # the author; kept even if the account goes
    created_at: Mapped[str] = mapped_column(TIME)
    updated_at: Mapped[str] = mapped_column(TIME)
    version: Mapped[int] = mapped_column(sa.BigInteger)  # the team version of its last change
    deleted: Mapped[bool] = mapped_column(default=False)
    deleted_hlc: Mapped[str | None] = mapped_column(HLC)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # field -> value (a tombstone keeps its last values)
    # Field hlcs, compactly (sync.hlc.compact_hlcs): the hlc most fields share, and the others' own, so
    # that a record written by one mutation stores (and a pull sends) one hlc, not one per field.
    hlc: Mapped[str | None] = mapped_column(HLC)
    hlcs: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # field -> hlc, for fields whose hlc is not `hlc`
    # field -> client ids that wrote its value, for fields where that is not just the client of its hlc
    owners: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON)
    writers: Mapped[dict[str, str]] = mapped_column(sa.JSON)  # client id -> user id, for the conflict log
    # A windowed collection's record: the value of its window field (``occurred_on``), so a pull can
    # leave out what devices no longer keep without reading JSON (sync.registry.SyncWindow). Else null.
    window_key: Mapped[str | None] = mapped_column(sa.String(32))


class SyncDevice(Base):
    """Per device: the last mutation id processed and the last effective hlc given to it."""

    __tablename__ = "sync_devices"

    client_id: Mapped[str] = mapped_column(sa.ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_mutation_id: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    last_hlc: Mapped[str | None] = mapped_column(HLC)


class SyncTeam(Base):
    """Per team: the change counter (locked by every push that changes the team) and the purge horizon."""

    __tablename__ = "sync_teams"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    horizon: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class SyncConflict(Base):
    """A value that lost to another value, so a person can see and restore it."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (sa.Index("ix_sync_conflicts_team_at", "team_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    collection: Mapped[str] = mapped_column(sa.String(64))
    record_id: Mapped[str] = mapped_column(sa.String(128))
    # Text: a field name comes from the device (an edit of a deleted record is logged before validation).
    field: Mapped[str] = mapped_column(sa.Text)
    kept_value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    kept_hlc: Mapped[str | None] = mapped_column(HLC)
    lost_value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    lost_hlc: Mapped[str] = mapped_column(HLC)
    lost_by_user_id: Mapped[str | None] = mapped_column(sa.String(36))
    lost_by_client_id: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[str] = mapped_column(TIME)


class SyncRejection(Base):
    """A mutation the server refused, kept as received with the error the device was given.

    No foreign keys: the log outlives the device and says what was refused even for ids that
    never existed.
    """

    __tablename__ = "sync_rejections"
    __table_args__ = (sa.Index("ix_sync_rejections_client_mutation", "client_id", "mutation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[str] = mapped_column(sa.String(36))
    mutation_id: Mapped[int] = mapped_column(sa.BigInteger)
    team_id: Mapped[str | None] = mapped_column(sa.String(36))
    mutation: Mapped[Any] = mapped_column(sa.JSON)
    error: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    at: Mapped[str] = mapped_column(TIME, index=True)
