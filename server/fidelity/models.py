"""The weeks in which a team changed its board (ideas, PDSA cycles, actions), by the hybrid logical
clock of each change, so offline work counts for the week it was done, not the week it synced.

The other two elements need no table of their own: the box score's weeks are in
``capacity_weekly_totals`` and ``measure_values``, the huddles' in ``huddles.held_on``."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base


class TeamBoardWeek(Base):
    __tablename__ = "team_board_weeks"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)  # the Monday, Europe/London
