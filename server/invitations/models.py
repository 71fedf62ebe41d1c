from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.accounts.models import User
from server.core.models import Base, UTCDateTime, created_column, id_column

PURPOSES = ("invite", "reset")


class Invitation(Base):
    """A single-use link that lets one person choose their password: a new person's invitation, or
    an administrator's password reset. Only the token's hash is kept."""

    __tablename__ = "invitations"
    __table_args__ = (sa.CheckConstraint("purpose IN ('invite', 'reset')", name="purpose"),)

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[str] = mapped_column(sa.String(6))
    # The team the person was invited into (shown on the page that accepts it).
    team_id: Mapped[str | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"))
    created_by: Mapped[str | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = created_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when a newer link replaces this one, or the person is deactivated.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
