"""The typed read table of the board's settings, projected from the ``board_settings`` records."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime
from server.core.schemas import CODE_POINTS_PER_CHARACTER  # text columns hold what written_text() accepts
from server.measures.models import GROUPS

#: A team has one ``board_settings`` record, whose id is ``uuid5(this, team_id)``: two leads setting
#: aims offline on two devices edit the same record and meet the engine's field-level rules.
BOARD_SETTINGS_NAMESPACE = uuid.UUID("0e7c2f4a-9b1d-4c6e-8a53-2d9f7b1e4c80")

#: One aim per box-score area, in the box score's order.
AIM_FIELDS = tuple(f"aim_{group}" for group in GROUPS)


def board_settings_id(team_id: str) -> str:
    """The one record id a team's board settings can have (the PWA computes the same)."""
    return str(uuid.uuid5(BOARD_SETTINGS_NAMESPACE, team_id))


class BoardSettings(Base):
    __tablename__ = "board_settings"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    aim_performance: Mapped[str | None] = mapped_column(sa.String(500 * CODE_POINTS_PER_CHARACTER))
    aim_capacity: Mapped[str | None] = mapped_column(sa.String(500 * CODE_POINTS_PER_CHARACTER))
    aim_cost: Mapped[str | None] = mapped_column(sa.String(500 * CODE_POINTS_PER_CHARACTER))
    aim_staff_experience: Mapped[str | None] = mapped_column(sa.String(500 * CODE_POINTS_PER_CHARACTER))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
