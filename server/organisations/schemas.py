from marshmallow import fields, validate

from server.accounts.schemas import UserSchema
from server.core.schemas import Schema, identifier, text
from server.organisations.models import MEMBER_ROLES, WEEKDAYS


class BoardSchema(Schema):
    id = identifier(dump_only=True)
    name = text(120, required=True)
    # Archived boards keep their history; their teams are no longer listed.
    archived = fields.Boolean(dump_only=True)


class BoardUpdateSchema(Schema):
    name = text(120, metadata={"description": "A new name (admins and the board's board leads)."})
    archived = fields.Boolean(metadata={"description": "Archive (true) or unarchive (false) the board (admins)."})


class BoardListSchema(Schema):
    boards = fields.List(fields.Nested(BoardSchema))


class ListArchivedQuerySchema(Schema):
    archived = fields.Boolean(load_default=False, metadata={
        "description": "Also list archived ones (admins; board leads for teams)."})


class TeamSettingsSchema(Schema):
    name = text(120)
    service = text(120, allow_none=True)
    contracted_hours_per_week = fields.Float(
        allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=100000)
    )
    huddle_day = fields.String(allow_none=True, validate=validate.OneOf(WEEKDAYS))
    huddle_time = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use 24-hour HH:MM, for example 09:30."),
    )
    vision_statement = text(2000, allow_none=True)


class TeamUpdateSchema(TeamSettingsSchema):
    archived = fields.Boolean(metadata={
        "description": "Archive (true) or unarchive (false) the team: admins and the board lead of its board, "
                       "not the team's lead. It keeps its history but is no longer listed or synced to new devices."})


class TeamCreateSchema(TeamSettingsSchema):
    board_id = identifier(required=True)
    name = text(120, required=True)


class TeamSchema(TeamCreateSchema):
    id = identifier(dump_only=True)
    archived = fields.Boolean(dump_only=True)


class TeamListSchema(Schema):
    teams = fields.List(fields.Nested(TeamSchema))


class MembershipUpdateSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(MEMBER_ROLES))
    email = fields.String(validate=validate.Length(min=1, max=254), metadata={
        "description": "The person's email address. A team's lead or board lead adds the people of their "
                       "board, and anyone else only with their exact email address (as found by it)."})


class MemberSchema(Schema):
    team_id = fields.String()
    user_id = fields.String()
    name = fields.String()
    email = fields.String()
    role = fields.String()


class MemberListSchema(Schema):
    members = fields.List(fields.Nested(MemberSchema))
    coaches = fields.List(fields.Nested(MemberSchema))


class MyTeamSchema(Schema):
    id = fields.String()
    name = fields.String()
    board_id = fields.String()
    role = fields.String()
    huddle_day = fields.String(allow_none=True)
    huddle_time = fields.String(allow_none=True)


class MeSchema(UserSchema):
    teams = fields.List(fields.Nested(MyTeamSchema))
    coached_teams = fields.List(fields.Nested(MyTeamSchema))
    # For a board display (role "display"): the team whose board it shows; null for people.
    display_of = fields.Nested(MyTeamSchema, allow_none=True)


class BoardLeadSchema(Schema):
    board_id = fields.String()
    user_id = fields.String()
    created_at = fields.DateTime()


class PersonMembershipSchema(Schema):
    team_id = fields.String()
    team_name = fields.String()
    board_id = fields.String()
    role = fields.String()
    # The team, or its board, is archived (it is still shown here so it can be undone).
    archived = fields.Boolean()


class PersonCoachedTeamSchema(Schema):
    team_id = fields.String()
    team_name = fields.String()
    board_id = fields.String()
    archived = fields.Boolean()


class PersonBoardLedSchema(Schema):
    board_id = fields.String()
    board_name = fields.String()


class PersonSchema(UserSchema):
    """A person's details for the administration screens."""

    memberships = fields.List(fields.Nested(PersonMembershipSchema))
    coached_teams = fields.List(fields.Nested(PersonCoachedTeamSchema))
    boards_led = fields.List(fields.Nested(PersonBoardLedSchema))
