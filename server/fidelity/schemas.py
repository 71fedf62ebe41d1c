"""Bodies of the fidelity endpoint."""

from marshmallow import ValidationError, fields, validates_schema

from server.core.schemas import Schema

MAX_DAYS = 3 * 366  # three years: reports look back a year; a typo of a century is refused


def check_period(start, end) -> None:
    if end < start:
        raise ValidationError("Must not be before from.", "to")
    if (end - start).days > MAX_DAYS:
        raise ValidationError("The period may be at most three years.", "to")


class FidelityQuerySchema(Schema):
    board_id = fields.String(load_default=None)
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)

    @validates_schema
    def _period(self, data, **kwargs):
        check_period(data["from_"], data["to"])


class TeamFidelityQuerySchema(Schema):
    """Both dates or neither: without them, the last 12 weeks up to this one."""
    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None)

    @validates_schema
    def _period(self, data, **kwargs):
        if (data["from_"] is None) != (data["to"] is None):
            raise ValidationError("Give both from and to, or neither for the last 12 weeks.", "from" if data["from_"] is None else "to")
        if data["from_"] is not None:
            check_period(data["from_"], data["to"])


class FidelityTeamSchema(Schema):
    team_id = fields.String()
    board_id = fields.String()
    box_score_weeks = fields.Integer()
    board_weeks = fields.Integer()
    huddle_weeks = fields.Integer()
    status = fields.String()


class FidelitySummarySchema(Schema):
    all_three = fields.Integer()
    some = fields.Integer()
    none = fields.Integer()


class FidelitySchema(Schema):
    weeks = fields.Integer()
    teams = fields.List(fields.Nested(FidelityTeamSchema))
    summary = fields.Nested(FidelitySummarySchema)


class ElementsSchema(Schema):
    """Which of the three elements were kept going in a week."""
    box_score = fields.Boolean()
    board = fields.Boolean()
    huddle = fields.Boolean()


class TeamWeekSchema(ElementsSchema):
    week_start = fields.Date()
    huddle_minutes = fields.Integer()
    box_score_and_board_minutes = fields.Integer()


class ProtectedMinutesSchema(Schema):
    huddle = fields.Integer()
    box_score_and_board = fields.Integer()
    per_week = fields.Float()


class TeamFidelitySchema(FidelityTeamSchema):
    weeks = fields.Integer()
    by_week = fields.List(fields.Nested(TeamWeekSchema))
    protected_minutes = fields.Nested(ProtectedMinutesSchema)

