from marshmallow import ValidationError, fields, validate, validates_schema

from server.accounts.models import DISPLAY_ROLE, ROLES
from server.accounts.passwords import password_problems
from server.core.schemas import PRINTABLE_TEXT, Schema, identifier, text


def device_key_field() -> fields.String:
    """The browser's own key, sent with every sign-in (password, invitation)."""
    return fields.String(validate=[validate.Length(min=16, max=128), PRINTABLE_TEXT], metadata={
        "description": "A random key this browser made once and keeps after signing out: sent at every "
                       "sign-in, it shows the server a device this person already used, which failed tries "
                       "elsewhere (someone guessing the password) do not slow down."})


class LoginSchema(Schema):
    # Not fields.Email: an old or mistyped address must get "invalid credentials", not a 422.
    email = fields.String(required=True, validate=[validate.Length(min=1, max=254), PRINTABLE_TEXT])
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    device_name = text(120, load_default="Unnamed device")
    device_key = device_key_field()


PASSWORD_RULE = ("At least 12 characters; not the email address or the name; not one of the 10,000 most common "
                 "passwords.")


def new_password(*, metadata: dict | None = None, **kwargs) -> fields.String:
    """A password being chosen; the rule (:func:`password_problems`) needs the person's email and name,
    so the schema or operation that knows them applies it."""
    description = " ".join(filter(None, [(metadata or {}).get("description"), PASSWORD_RULE]))
    return fields.String(validate=validate.Length(min=1, max=1024), metadata={"description": description}, **kwargs)


class UserSchema(Schema):
    id = identifier(dump_only=True)
    email = fields.String()
    name = fields.String()
    role = fields.String(validate=validate.OneOf((*ROLES, DISPLAY_ROLE)))
    # False once deactivated: they cannot sign in, their history keeps their name.
    active = fields.Boolean(dump_only=True)
    must_change_password = fields.Boolean(dump_only=True)


class UserCreateSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(120, required=True)
    password = new_password(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))

    @validates_schema(skip_on_field_errors=False)  # a bad email must not hide a bad password
    def _password_rule(self, data, **kwargs):
        if "password" in data:
            problems = password_problems(data["password"], email=data.get("email", ""), name=data.get("name", ""))
            if problems:
                raise ValidationError(problems, "password")


class UserUpdateSchema(Schema):
    email = fields.Email(validate=validate.Length(max=254))
    name = text(120)
    role = fields.String(validate=validate.OneOf(ROLES))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    new_password = new_password(required=True)


class LoginResponseSchema(Schema):
    token = fields.String(required=True)
    device_id = fields.String(required=True)
    # ``user.must_change_password`` is true after signing in with a password an administrator set: only
    # /api/me, /api/me/password and logout answer until the person chooses their own.
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
    # A board lead gets id, name, email, role and active only (no must_change_password).
    users = fields.List(fields.Nested(UserSchema))
    # Pass as ``cursor`` for the next page; null on the last page.
    next_cursor = fields.String(allow_none=True)


class UserSearchQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=254), metadata={
        "description": "Part of the name or email address, any case."})
    role = fields.String(validate=validate.OneOf((*ROLES, DISPLAY_ROLE)))
    active = fields.Boolean()
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(validate=validate.Length(min=1, max=1000), metadata={
        "description": "The previous page's ``next_cursor``."})


class UserDeviceSchema(Schema):
    id = fields.String()
    name = fields.String()
    created_at = fields.DateTime()
    last_seen_at = fields.DateTime(allow_none=True)
    # Null for now: the sync engine's per-device state (sync_devices) keeps no time; last_seen_at is
    # set at sign-in.
    last_sync_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class UserDeviceListSchema(Schema):
    devices = fields.List(fields.Nested(UserDeviceSchema))
