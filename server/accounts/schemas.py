from marshmallow import fields, validate

from server.accounts.models import DISPLAY_ROLE, ROLES
from server.core.schemas import PRINTABLE_TEXT, Schema, identifier, text


class LoginSchema(Schema):
    # Not fields.Email: an old or mistyped address must get "invalid credentials", not a 422.
    email = fields.String(required=True, validate=[validate.Length(min=1, max=254), PRINTABLE_TEXT])
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    device_name = text(120, load_default="Unnamed device")


class UserSchema(Schema):
    id = identifier(dump_only=True)
    email = fields.String()
    name = fields.String()
    role = fields.String(validate=validate.OneOf((*ROLES, DISPLAY_ROLE)))


class UserCreateSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(120, required=True)
    password = fields.String(required=True, validate=validate.Length(min=8, max=1024))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class LoginResponseSchema(Schema):
    token = fields.String(required=True)
    device_id = fields.String(required=True)
    user = fields.Nested(UserSchema, required=True)


class DeviceSchema(Schema):
    id = fields.String()
    user_id = fields.String()
    name = fields.String()
    created_at = fields.DateTime()
    last_seen_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    current = fields.Boolean()


class DeviceListSchema(Schema):
    devices = fields.List(fields.Nested(DeviceSchema))


class DeviceNameSchema(Schema):
    device_name = text(120, required=True)


class UserListSchema(Schema):
    users = fields.List(fields.Nested(UserSchema))
