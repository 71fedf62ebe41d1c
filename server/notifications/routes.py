"""Web Push (the VAPID key, subscriptions), the in-app inbox and each user's notification choices."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.accounts.auth import current_session
from server.core.auth import public
from server.extensions import db
from server.notifications import operations
from server.notifications.schemas import (
    NotificationListSchema,
    NotificationSchema,
    NotificationSettingsSchema,
    NotificationSettingsUpdateSchema,
    SubscriptionCreateSchema,
    SubscriptionListSchema,
    SubscriptionSchema,
    VapidKeySchema,
)
from server.organisations.access import access_for

blp = Blueprint("notifications", __name__, url_prefix="/api",
                description="Web Push subscriptions, the notifications inbox and notification settings")


@blp.get("/push/vapid-public-key")
@blp.response(200, VapidKeySchema)
@public
def vapid_public_key():
    """The key a browser subscribes with (``applicationServerKey``)."""
    return {"public_key": operations.vapid_public_key()}


@blp.post("/push/subscriptions")
@blp.arguments(SubscriptionCreateSchema)
@blp.response(201, SubscriptionSchema)
@blp.alt_response(200, schema=SubscriptionSchema, description="That endpoint was already subscribed: same id")
def subscribe(data):
    """Keep this browser's push subscription for the caller (and this device)."""
    session = current_session()
    sub, created = operations.subscribe(session.user, session.device_id, data["endpoint"],
                                        data["keys"]["p256dh"], data["keys"]["auth"])
    db.session.commit()
    return sub, 201 if created else 200


@blp.get("/push/subscriptions")
@blp.response(200, SubscriptionListSchema)
def list_subscriptions():
    return {"subscriptions": operations.subscriptions_of(current_session().user)}


@blp.delete("/push/subscriptions/<subscription_id>")
@blp.response(204)
def delete_subscription(subscription_id):
    operations.unsubscribe(current_session().user, subscription_id)
    db.session.commit()


@blp.get("/notifications")
@blp.response(200, NotificationListSchema)
def list_notifications():
    """The caller's inbox, newest first (the latest 200)."""
    return {"notifications": operations.inbox(current_session().user)}


@blp.post("/notifications/<notification_id>/read")
@blp.response(200, NotificationSchema)
def read_notification(notification_id):
    found = operations.mark_read(current_session().user, notification_id)
    db.session.commit()
    return found


@blp.get("/notification-settings")
@blp.response(200, NotificationSettingsSchema)
def get_settings():
    return operations.settings_of(current_session().user)


@blp.put("/notification-settings")
@blp.arguments(NotificationSettingsUpdateSchema)
@blp.response(200, NotificationSettingsSchema)
def put_settings(data):
    """Quiet hours, and the event types turned off per team (every type is on unless listed)."""
    user = current_session().user
    saved = operations.save_settings(user, data["quiet_hours_start"], data["quiet_hours_end"], data["off"],
                                     access_for(user).readable_team_ids())
    db.session.commit()
    return saved
