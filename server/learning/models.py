"""Items a team shares with every other team: an adopted change (one of its ideas, with its PDSA
cycles and the measure it moved) or a short case study written from its huddles.

An item is a draft, seen only inside its team, until one of the team's leads consents to sharing it;
withdrawing the consent takes it out of the library again. Title, text and the measure's name are
copied when the item is made, so what a lead consents to is what other teams read."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime, created_column, id_column
from server.core.schemas import CODE_POINTS_PER_CHARACTER

KINDS = ("adopted_change", "case_study")
TITLE_MAX = 200
TEXT_MAX = 4000


class SharedItem(Base):
    __tablename__ = "shared_items"
    __table_args__ = (sa.Index("ix_shared_items_team_created", "team_id", "created_at"),
                      # the library lists consented items, newest first
                      sa.Index("ix_shared_items_consented_at", "consented_at"))

    id: Mapped[str] = id_column()
    kind: Mapped[str] = mapped_column(sa.String(16))
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"))
    board_id: Mapped[str] = mapped_column(sa.ForeignKey("boards.id", ondelete="CASCADE"))
    service: Mapped[str | None] = mapped_column(sa.String(120))  # the team's service when shared
    idea_id: Mapped[str | None] = mapped_column(sa.String(36))  # adopted changes only
    measure_id: Mapped[str | None] = mapped_column(sa.String(36))
    measure_name: Mapped[str | None] = mapped_column(sa.String(120 * CODE_POINTS_PER_CHARACTER))
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX * CODE_POINTS_PER_CHARACTER))
    text: Mapped[str | None] = mapped_column(sa.String(TEXT_MAX * CODE_POINTS_PER_CHARACTER))
    # Authors and consenting leads keep their names after they leave: users are deactivated, not deleted.
    author_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_column()
    consented_by: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id"))
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
