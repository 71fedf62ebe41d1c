"""A team's weekly rota: its reminder day and time and the week the rotation starts from, and per
task the people who take turns, in order."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime

#: The three Value Management tasks, the fidelity rule's elements (``server.fidelity.operations.ELEMENTS``).
TASKS = ("box_score", "board", "huddle")
TASK_WORDS = {"box_score": "update the box score", "board": "update the board", "huddle": "run the huddle"}


class Rota(Base):
    __tablename__ = "rotas"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    remind_day: Mapped[str] = mapped_column(sa.String(9))  # monday..sunday
    remind_time: Mapped[str] = mapped_column(sa.String(5))  # HH:MM, Europe/London
    # The Monday of the week the first person of each list is on; turns follow week by week from it.
    start_week: Mapped[date]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class RotaTurn(Base):
    """One place in a task's rotation. A person who leaves the team keeps their place (shown as left,
    never reminded) so the others' weeks do not shift under them; the lead chooses someone else."""

    __tablename__ = "rota_turns"

    team_id: Mapped[str] = mapped_column(sa.ForeignKey("rotas.team_id", ondelete="CASCADE"), primary_key=True)
    task: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
