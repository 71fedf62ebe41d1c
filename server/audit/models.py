from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime


class AuditEvent(Base):
    """One administrative change or security event. Rows are only ever inserted: no route changes
    or deletes them, the migration adds triggers that refuse UPDATE and DELETE, and no purge touches
    the table (kept at least two years: for now, for ever).

    No foreign keys: the log must outlive whatever it names, and a cascade or SET NULL would be an
    update the triggers refuse."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_actor_id_id", "actor_id", "id"),
        sa.Index("ix_audit_events_action_id", "action", "id"),
        sa.Index("ix_audit_events_at", "at"),
    )

    # A growing integer, not a uuid: "newest first" and paging need an order that ties never break.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(sa.String(36))
    device_id: Mapped[str | None] = mapped_column(sa.String(36))
    action: Mapped[str] = mapped_column(sa.String(40))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[str | None] = mapped_column(sa.String(36))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
