"""Bodies of the Web Push, inbox and notification-settings endpoints."""

from __future__ import annotations

from marshmallow import fields, validate

from server.core.schemas import Schema, identifier
from server.notifications.models import EVENT_TYPES

HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use a 24-hour time such as 22:00.")


class VapidKeySchema(Schema):
    public_key = fields.String(required=True)


class SubscriptionKeysSchema(Schema):
    p256dh = fields.String(required=True, validate=validate.Length(min=1, max=128))
    auth = fields.String(required=True, validate=validate.Length(min=1, max=64))


class SubscriptionCreateSchema(Schema):
    """The browser's ``PushSubscription.toJSON()``; ``expirationTime`` is accepted and not kept."""

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=2048))
    keys = fields.Nested(SubscriptionKeysSchema, required=True)
    expirationTime = fields.Integer(allow_none=True, load_only=True)  # noqa: N815 (the browser's name)


class SubscriptionSchema(Schema):
    id = identifier()
    endpoint = fields.String()
    created_at = fields.DateTime()


class SubscriptionListSchema(Schema):
    subscriptions = fields.List(fields.Nested(SubscriptionSchema))


class NotificationSchema(Schema):
    id = identifier()
    type = fields.String()
    team_id = fields.String(allow_none=True)
    code = fields.String(allow_none=True)
    title = fields.String()
    body = fields.String()
    url = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class NotificationListSchema(Schema):
    notifications = fields.List(fields.Nested(NotificationSchema))


class MutedSchema(Schema):
    team_id = identifier(required=True)
    type = fields.String(required=True, validate=validate.OneOf(tuple(EVENT_TYPES)))


class EventTypeSchema(Schema):
    type = fields.String()
    label = fields.String()


class NotificationSettingsUpdateSchema(Schema):
    quiet_hours_start = fields.String(required=True, allow_none=True, validate=HHMM)
    quiet_hours_end = fields.String(required=True, allow_none=True, validate=HHMM)
    off = fields.List(fields.Nested(MutedSchema), required=True, validate=validate.Length(max=1000))


class NotificationSettingsSchema(Schema):
    quiet_hours_start = fields.String(allow_none=True)
    quiet_hours_end = fields.String(allow_none=True)
    off = fields.List(fields.Nested(MutedSchema))
    types = fields.List(fields.Nested(EventTypeSchema))
