"""Web Push and the in-app inbox: the server's VAPID key, each device's push subscription, each
user's notifications (the inbox, one row per user and event) and their deliveries to push services.

An event is written in the same transaction as the data that caused it (``operations.notify_team``):
an inbox row per recipient and a ``push_deliveries`` row per recipient subscription, which the
delivery worker (``delivery.py``) sends. ``notifications.event_key`` makes an event once per user,
however often the data that causes it is pushed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from server.core.models import Base, UTCDateTime, created_column, id_column

EVENT_TYPES = {
    "milestone": "A milestone reached",
    "signal": "A new signal on a box score measure",
    "box_score_stale": "Box score not updated for 2 weeks",
    "huddle_missed": "Weekly huddle missed",
    "actions_overdue": "Actions overdue",
    "rota_reminder": "Your rota task not done yet",
}
DELIVERY_STATES = ("pending", "delivered", "gone", "expired", "failed")


class VapidKey(Base):
    """The key the server signs Web Push requests with, made on first use when ``VAPID_PRIVATE_KEY``
    is not set; in the database so every web process and the worker share it across restarts."""

    __tablename__ = "vapid_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    private_key_pem: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = created_column()


class PushSubscription(Base):
    """A browser's push subscription (``PushSubscription.toJSON()``), owned by the user who last
    sent it from the device that sent it."""

    __tablename__ = "push_subscriptions"

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[str | None] = mapped_column(sa.ForeignKey("devices.id", ondelete="SET NULL"), index=True)
    endpoint: Mapped[str] = mapped_column(sa.String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(sa.String(128))
    auth: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = created_column()


class Notification(Base):
    """One event in one user's inbox."""

    __tablename__ = "notifications"
    __table_args__ = (sa.UniqueConstraint("user_id", "event_key"),
                      sa.Index("ix_notifications_user_created", "user_id", "created_at"))

    id: Mapped[str] = id_column()
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[str] = mapped_column(sa.String(20))
    team_id: Mapped[str | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.String(1000))
    url: Mapped[str] = mapped_column(sa.String(300))
    ttl_seconds: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = created_column()
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PushDelivery(Base):
    """Sending one notification to one subscription: pending until the push service takes it (201/202),
    says the subscription is gone (404/410) or the notification's TTL runs out. A worker leases a
    row before sending (``leased_until``), so one killed mid-send is retried by the next, never lost."""

    __tablename__ = "push_deliveries"
    __table_args__ = (sa.UniqueConstraint("notification_id", "subscription_id"),
                      sa.Index("ix_push_deliveries_due", "state", "next_attempt_at"))

    id: Mapped[str] = id_column()
    notification_id: Mapped[str] = mapped_column(sa.ForeignKey("notifications.id", ondelete="CASCADE"))
    subscription_id: Mapped[str] = mapped_column(sa.ForeignKey("push_subscriptions.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(sa.String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[int | None] = mapped_column()
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = created_column()


class NotificationSettings(Base):
    """A user's quiet hours (Europe/London wall-clock times; a range may cross midnight)."""

    __tablename__ = "notification_settings"

    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    quiet_hours_start: Mapped[str | None] = mapped_column(sa.String(5))
    quiet_hours_end: Mapped[str | None] = mapped_column(sa.String(5))


class NotificationMute(Base):
    """An event type a user turned off for one team (every type is on unless a row says otherwise)."""

    __tablename__ = "notification_mutes"

    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[str] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
