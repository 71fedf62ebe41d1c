"""Bodies of the fidelity endpoint."""

from marshmallow import ValidationError, fields, validates_schema

from server.core.schemas import Schema

MAX_DAYS = 3 * 366  # three years: reports look back a year; a typo of a century is refused


class FidelityQuerySchema(Schema):
    board_id = fields.String(load_default=None)
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)

    @validates_schema
    def _period(self, data, **kwargs):
        if data["to"] < data["from_"]:
            raise ValidationError("Must not be before from.", "to")
        if (data["to"] - data["from_"]).days > MAX_DAYS:
            raise ValidationError("The period may be at most three years.", "to")


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
