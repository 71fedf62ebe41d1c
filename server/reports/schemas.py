"""Bodies of the board and national views, the trend and the board report."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates_schema

from server.core.schemas import Schema
from server.fidelity.schemas import FidelitySummarySchema, ProtectedMinutesSchema, check_period


class PeriodQuerySchema(Schema):
    """Both dates or neither: without them, the last two complete calendar months."""
    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None)

    @validates_schema
    def _period(self, data, **kwargs):
        if (data["from_"] is None) != (data["to"] is None):
            raise ValidationError("Give both from and to, or neither for the last two complete months.",
                                  "from" if data["from_"] is None else "to")
        if data["from_"] is not None:
            check_period(data["from_"], data["to"])


class TrendQuerySchema(Schema):
    board_id = fields.String(load_default=None)


class ReportPeriodSchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    first_week = fields.Date(metadata={"description": "The Monday of the first ISO week the dates touch."})
    last_week = fields.Date(metadata={"description": "The Monday of the last ISO week the dates touch."})
    weeks = fields.Integer()


class BoardRowSchema(Schema):
    board_id = fields.String()
    board_name = fields.String()
    teams = fields.Integer()
    summary = fields.Nested(FidelitySummarySchema)
    milestones_reached = fields.Integer()
    teams_with_improvement_signals = fields.Integer()


class NationalOverviewSchema(Schema):
    period = fields.Nested(ReportPeriodSchema)
    teams = fields.Integer()
    summary = fields.Nested(FidelitySummarySchema)
    milestones_reached = fields.Integer()
    teams_with_improvement_signals = fields.Integer()
    boards = fields.List(fields.Nested(BoardRowSchema))


class BoardRefSchema(Schema):
    id = fields.String()
    name = fields.String()


class BoardTeamRowSchema(Schema):
    team_id = fields.String()
    team_name = fields.String()
    board_id = fields.String()
    box_score_weeks = fields.Integer()
    board_weeks = fields.Integer()
    huddle_weeks = fields.Integer()
    status = fields.String()
    milestones_reached = fields.Integer()
    improvement_signals = fields.Integer()


class ReportTeamRowSchema(BoardTeamRowSchema):
    protected_minutes = fields.Nested(ProtectedMinutesSchema)


class BoardMilestoneSchema(Schema):
    team_id = fields.String()
    team_name = fields.String()
    code = fields.String()
    label = fields.String()
    reached_at = fields.DateTime()


class BoardSignalSchema(Schema):
    team_id = fields.String()
    team_name = fields.String()
    measure_id = fields.String()
    measure_name = fields.String()
    group = fields.String()
    weeks = fields.List(fields.Date(), metadata={"description": "The weeks whose point is a special-cause improvement."})


class SignalChartPointSchema(Schema):
    week_start = fields.Date()
    value = fields.Float(allow_none=True)
    centre = fields.Float(allow_none=True)
    upper = fields.Float(allow_none=True)
    lower = fields.Float(allow_none=True)
    signal = fields.String(allow_none=True)


class ChartedSignalSchema(BoardSignalSchema):
    unit = fields.String(allow_none=True)
    direction = fields.String()
    rule_set_label = fields.String()
    points = fields.List(fields.Nested(SignalChartPointSchema), metadata={"description": "The chart over the period's weeks."})


class HighlightSchema(Schema):
    kind = fields.String(metadata={"description": "huddle_note | idea (an adopted idea)"})
    id = fields.String()
    team_id = fields.String()
    team_name = fields.String()
    on = fields.Date(metadata={"description": "The day of the huddle, or the day the idea was adopted."})
    step = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    text = fields.String(allow_none=True)


class BoardOverviewSchema(Schema):
    board = fields.Nested(BoardRefSchema)
    period = fields.Nested(ReportPeriodSchema)
    summary = fields.Nested(FidelitySummarySchema)
    teams = fields.List(fields.Nested(BoardTeamRowSchema))
    milestones = fields.List(fields.Nested(BoardMilestoneSchema))
    signals = fields.List(fields.Nested(BoardSignalSchema))


class MinutesTotalSchema(Schema):
    huddle = fields.Integer()
    box_score_and_board = fields.Integer()


class BoardReportSchema(BoardOverviewSchema):
    generated_at = fields.DateTime()
    teams = fields.List(fields.Nested(ReportTeamRowSchema))
    signals = fields.List(fields.Nested(ChartedSignalSchema))
    highlights = fields.List(fields.Nested(HighlightSchema))
    protected_minutes = fields.Nested(MinutesTotalSchema)


class TrendMonthSchema(Schema):
    month = fields.String(metadata={"description": "YYYY-MM"})
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    weeks = fields.Integer()
    summary = fields.Nested(FidelitySummarySchema)


class TrendSchema(Schema):
    board_id = fields.String(allow_none=True)
    teams = fields.Integer()
    months = fields.List(fields.Nested(TrendMonthSchema))
