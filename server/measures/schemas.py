"""Schemas for measures: the synced record fields (validated on every push) and the HTTP bodies."""

from __future__ import annotations

from marshmallow import fields, validate

from server.core.schemas import Schema, identifier, written_text
from server.measures.boxscore import DEFAULT_WEEKS, MAX_WEEKS
from server.measures.models import DERIVED_KINDS, DERIVED_UNITS, DIRECTIONS, GROUPS, RULE_SETS, SOURCES, STATUSES, SUBGROUPS
from server.sync_api.validation import FiniteFloat, MondayDate, StrictBoolean, StrictInteger


class MeasureFieldsSchema(Schema):
    """The ``fields`` of a ``measures`` mutation. Loaded partially for an update."""

    name = written_text(120, required=True)
    group = fields.String(required=True, validate=validate.OneOf(GROUPS))
    subgroup = fields.String(allow_none=True, validate=validate.OneOf(SUBGROUPS))
    unit = written_text(40, allow_none=True)
    direction = fields.String(validate=validate.OneOf(DIRECTIONS))
    target = FiniteFloat(allow_none=True)
    aim = written_text(500, allow_none=True)
    operational_definition = written_text(2000, allow_none=True)
    source = fields.String(validate=validate.OneOf(SOURCES))
    derived_kind = fields.String(allow_none=True, validate=validate.OneOf(DERIVED_KINDS))
    derived_category_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=36))
    derived_unit = fields.String(allow_none=True, validate=validate.OneOf(DERIVED_UNITS))
    on_board = StrictBoolean()
    status = fields.String(validate=validate.OneOf(STATUSES))
    rule_set = fields.String(validate=validate.OneOf(RULE_SETS))
    rebase_weeks = fields.List(MondayDate(), validate=validate.Length(max=52))
    position = StrictInteger(validate=validate.Range(min=0, max=1_000_000))


# What a new measure gets for the fields its creator left out.
MEASURE_DEFAULTS = {
    "subgroup": None, "unit": None, "direction": "neutral", "target": None, "aim": None,
    "operational_definition": None, "source": "manual", "derived_kind": None, "derived_category_id": None,
    "derived_unit": None, "on_board": True, "status": "active", "rule_set": "mdc", "rebase_weeks": [], "position": 0,
}


class MeasureValueFieldsSchema(Schema):
    """The ``fields`` of a ``measure_values`` mutation."""

    measure_id = identifier(required=True)
    week_start = MondayDate(required=True)
    value = FiniteFloat(required=True, allow_none=True, metadata={"description": "null: the week was cleared"})
    note = written_text(500, allow_none=True)


# ---- HTTP ----------------------------------------------------------------------------------------
class BoxScoreQuerySchema(Schema):
    weeks = fields.Integer(load_default=DEFAULT_WEEKS, validate=validate.Range(min=1, max=MAX_WEEKS),
                           metadata={"description": "How many weeks to show, ending with this week."})


class BoxScoreMeasureSchema(Schema):
    id = fields.String()
    name = fields.String()
    group = fields.String()
    subgroup = fields.String(allow_none=True)
    unit = fields.String(allow_none=True)
    direction = fields.String()
    target = fields.Float(allow_none=True)
    aim = fields.String(allow_none=True)
    operational_definition = fields.String(allow_none=True)
    source = fields.String()
    derived_kind = fields.String(allow_none=True)
    derived_category_id = fields.String(allow_none=True)
    derived_unit = fields.String(allow_none=True)
    status = fields.String()
    on_board = fields.Boolean()
    rule_set = fields.String()
    position = fields.Integer()
    rebase_weeks = fields.List(fields.String())
    series = fields.List(fields.Dict(), metadata={"description": '[{"week_start": "YYYY-MM-DD", "value": number|null}], '
                                                                 "one per displayed week, oldest first."})
    this_week = fields.Float(allow_none=True)
    last_week = fields.Float(allow_none=True)
    analysis = fields.Dict(metadata={"description": "spc.analyse over the whole history; points trimmed to the "
                                                    "displayed weeks (see server/measures/boxscore.py)."})


class BoxScoreGroupSchema(Schema):
    group = fields.String()
    label = fields.String()
    measures = fields.List(fields.Nested(BoxScoreMeasureSchema))


class BoxScoreSchema(Schema):
    team_id = fields.String()
    generated_at = fields.String()
    this_week = fields.String(metadata={"format": "date", "description": "The Monday of this London week."})
    weeks = fields.List(fields.String(metadata={"format": "date"}), metadata={"description": "Mondays, oldest first."})
    groups = fields.List(fields.Nested(BoxScoreGroupSchema))


class ExportQuerySchema(BoxScoreQuerySchema):
    pass


class ImportQuerySchema(Schema):
    commit = fields.Boolean(load_default=False, metadata={"description": "false (default): preview only."})


class ImportRowSchema(Schema):
    row = fields.Integer(metadata={"description": "The row number in the file (1 = first row)."})
    column = fields.String(allow_none=True, metadata={"description": "The column's header (wide layout: the week)."})
    measure = fields.String(allow_none=True)
    measure_id = fields.String(allow_none=True)
    week_start = fields.String(allow_none=True)
    week_text = fields.String(allow_none=True, metadata={"description": "The week as the file wrote it."})
    value = fields.Float(allow_none=True)
    current = fields.Float(allow_none=True)
    status = fields.String(metadata={"description": "new | change | same | error"})
    error = fields.String()


class ImportResultSchema(Schema):
    committed = fields.Boolean()
    layout = fields.String(metadata={"description": "wide (one column per week) or long (measure, week, value)"})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    rows = fields.List(fields.Nested(ImportRowSchema))
