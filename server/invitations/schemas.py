from marshmallow import ValidationError, fields, validate, validates_schema

from server.accounts.models import ROLES
from server.accounts.schemas import device_key_field, new_password
from server.core.schemas import Schema, identifier, text
from server.organisations.models import MEMBER_ROLES


class InvitationCreateSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(120, required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    team_id = identifier(metadata={"description": "A team to add them to (required from a board lead)."})
    team_role = fields.String(validate=validate.OneOf(MEMBER_ROLES),
                              metadata={"description": "Their role in that team (default member)."})

    @validates_schema
    def _team_role_needs_a_team(self, data, **kwargs):
        if "team_role" in data and "team_id" not in data:
            raise ValidationError("Choose the team this role is in.", "team_role")


class InvitationCreatedSchema(Schema):
    id = fields.String(required=True)
    # The app's page for it, ending in the token: hand it on, or it was e-mailed (``emailed``).
    url = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    emailed = fields.Boolean(required=True)


class InvitationSchema(Schema):
    """Who a link is for, for the page that accepts it."""

    name = fields.String()
    email = fields.String()
    team_name = fields.String(allow_none=True)
    purpose = fields.String(validate=validate.OneOf(("invite", "reset")))
    expires_at = fields.DateTime()


class InvitationAcceptSchema(Schema):
    password = new_password(required=True)
    device_name = text(120, load_default="Unnamed device")
    device_key = device_key_field()


class PasswordResetSchema(Schema):
    one_time_password = new_password(metadata={
        "description": "Set this password, to be changed at the next sign-in; leave out for a link instead."})


class PasswordResetResultSchema(Schema):
    # The link, when no one-time password was given.
    invitation = fields.Nested(InvitationCreatedSchema, allow_none=True)
    must_change_password = fields.Boolean()


class PeopleImportQuerySchema(Schema):
    commit = fields.Boolean(load_default=False, metadata={
        "description": "Write the rows (all or nothing); without it, a preview that writes nothing."})


class PeopleImportRowErrorSchema(Schema):
    field = fields.String()
    message = fields.String()


class PeopleImportInvitationSchema(Schema):
    id = fields.String()
    url = fields.String()
    expires_at = fields.DateTime()
    emailed = fields.Boolean()


class PeopleImportRowSchema(Schema):
    line = fields.Integer(metadata={"description": "The line of the file (the header is line 1)."})
    name = fields.String()
    email = fields.String()
    role = fields.String()
    team_id = fields.String(allow_none=True)
    team_name = fields.String(allow_none=True)
    team_role = fields.String(allow_none=True)
    action = fields.String(validate=validate.OneOf(("create", "add_membership", "nothing")))
    # Why an existing person's name and role are left as they are, and the like.
    note = fields.String(allow_none=True)
    errors = fields.List(fields.Nested(PeopleImportRowErrorSchema))
    # After a commit, for each person created: their link, as POST /api/invitations answers it.
    invitation = fields.Nested(PeopleImportInvitationSchema)


class PeopleImportSummarySchema(Schema):
    rows = fields.Integer()
    create = fields.Integer()
    add_membership = fields.Integer()
    nothing = fields.Integer()
    errors = fields.Integer(metadata={"description": "Rows with at least one error."})


class PeopleImportResultSchema(Schema):
    rows = fields.List(fields.Nested(PeopleImportRowSchema))
    summary = fields.Nested(PeopleImportSummarySchema)
