"""Bodies of the coaching endpoints: notes of conversations and the caseload."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validates, validates_schema

from server.coaching.models import DISCUSSED_MAX, NEXT_STEPS_MAX
from server.core import clock
from server.core.schemas import Schema, written_text
from server.fidelity.schemas import ElementsSchema


class NoteFieldsSchema(Schema):
    held_on = fields.Date(required=True, metadata={"description": "The day of the conversation (not in the future)."})
    discussed = written_text(DISCUSSED_MAX, required=True)  # what was discussed
    next_steps = written_text(NEXT_STEPS_MAX, allow_none=True, load_default=None)  # the next steps agreed
    next_on = fields.Date(allow_none=True, load_default=None,
                          metadata={"description": "The date agreed for the next conversation."})

    @validates("held_on")
    def _not_future(self, value, **kwargs):
        if value > clock.today():
            raise ValidationError("A conversation cannot be recorded before it is held: choose today or an earlier day.")

    @validates_schema
    def _next_after(self, data, **kwargs):
        held, following = data.get("held_on"), data.get("next_on")
        if held is not None and following is not None and following <= held:
            raise ValidationError("The next conversation must be after this one.", "next_on")


class NoteSchema(Schema):
    id = fields.String()
    team_id = fields.String()
    coach_id = fields.String()
    coach_name = fields.String()
    held_on = fields.Date()
    discussed = fields.String()
    next_steps = fields.String(allow_none=True)
    next_on = fields.Date(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class NoteListSchema(Schema):
    notes = fields.List(fields.Nested(NoteSchema))


class FidelityCountsSchema(Schema):
    box_score_weeks = fields.Integer()
    board_weeks = fields.Integer()
    huddle_weeks = fields.Integer()
    status = fields.String()


class StripsSchema(Schema):
    box_score = fields.List(fields.Boolean())
    board = fields.List(fields.Boolean())
    huddle = fields.List(fields.Boolean())


class SignalSchema(Schema):
    measure_id = fields.String()
    measure_name = fields.String()
    signal = fields.String()
    week_start = fields.Date()


class ReachedSchema(Schema):
    code = fields.String()
    label = fields.String()
    reached_at = fields.DateTime()


class ReasonSchema(Schema):
    code = fields.String()
    text = fields.String()
    needs_help = fields.Boolean()


class CaseloadTeamSchema(Schema):
    team_id = fields.String()
    team_name = fields.String()
    board_id = fields.String()
    board_name = fields.String()
    weeks = fields.List(fields.Date(), metadata={"description": "The 12 complete weeks the strips show, oldest first."})
    strips = fields.Nested(StripsSchema)
    this_week = fields.Nested(ElementsSchema)
    fidelity = fields.Dict(keys=fields.String(), values=fields.Nested(FidelityCountsSchema),
                           metadata={"description": "Over the last \"4\" and \"12\" complete weeks."})
    last_huddle_on = fields.Date(allow_none=True)
    signals = fields.List(fields.Nested(SignalSchema))
    milestones = fields.List(fields.Nested(ReachedSchema))
    milestones_total = fields.Integer()
    overdue_actions = fields.Integer()
    protected_minutes_per_week = fields.Float()
    last_note = fields.Nested(NoteSchema, allow_none=True)
    next_conversation_on = fields.Date(allow_none=True)
    conversation_overdue = fields.Boolean()
    needs_help = fields.Boolean()
    reasons = fields.List(fields.Nested(ReasonSchema))


class CaseloadSchema(Schema):
    today = fields.Date()
    teams = fields.List(fields.Nested(CaseloadTeamSchema))
