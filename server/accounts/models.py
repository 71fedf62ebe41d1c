from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.core.models import Base, UTCDateTime, created_column, id_column

Role = Literal["admin", "coach", "staff", "display"]
# The roles a person can be given. A "display" account is not a person: it is a team's board display
# (a ward TV), made by the team's lead with its own device tokens and no password (organisations.displays).
ROLES: tuple[str, ...] = ("admin", "board_lead", "coach", "staff")
DISPLAY_ROLE = "display"
# A password hash no password matches: display accounts sign in only through a lead.
NO_PASSWORD = "!"


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'board_lead', 'coach', 'staff', 'display')", name="role"),
        # People search pages through everyone in (name, id) order (GET /api/users).
        sa.Index("ix_users_name_id", "name", "id"),
    )

    id: Mapped[str] = id_column()
    email: Mapped[str] = mapped_column(sa.String(254))
    # Uniqueness is case-insensitive; the address is shown as the person typed it.
    email_normalised: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    # Set with a password an administrator chose: until the person chooses their own, every endpoint
    # but /api/me, /api/me/password and logout answers 403 password_change_required.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = created_column()

    devices: Mapped[list[Device]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Device(Base):
    """A signed-in phone, tablet or browser; its token is the credential and its id the sync client id."""

    __tablename__ = "devices"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = created_column()
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The hash of the key the browser kept from before (it survives signing out): a later sign-in that
    # sends the same key comes from a device this person already used, which a password guesser
    # elsewhere cannot slow down (operations.sign_in_attempt). Shared tablets: one key, many people.
    key_hash: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship(back_populates="devices")


class LoginFailure(Base):
    """One failed sign-in, counted per account and source, per address and per account to slow down
    password guessing (operations.check_not_throttled)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email_normalised: Mapped[str] = mapped_column(sa.String(254), index=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The account's own earlier device the try came from (its device key proved it); None: an unknown
    # device, known only by its address.
    device_id: Mapped[str | None] = mapped_column(sa.String(36))
