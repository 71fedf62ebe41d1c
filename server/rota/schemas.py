"""Bodies of the rota endpoints."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates, validates_schema

from server.core.schemas import Schema, identifier
from server.organisations.models import WEEKDAYS
from server.rota.models import TASKS

HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Give a time as HH:MM on the 24-hour clock, such as 09:30.")
MAX_PEOPLE = 50  # more than any team has people


def _people(value):
    if len(set(value)) != len(value):
        raise ValidationError("Each person may appear once in a task's turns.")
    if len(value) > MAX_PEOPLE:
        raise ValidationError(f"At most {MAX_PEOPLE} people take turns at one task.")


class RotaFieldsSchema(Schema):
    remind_day = fields.String(required=True, validate=validate.OneOf(
        WEEKDAYS, error="Choose a day of the week: monday, tuesday, wednesday, thursday, friday, saturday or sunday."),
        metadata={"description": "The day (Europe/London) the person on for a task not yet done is reminded."})
    remind_time = fields.String(required=True, validate=HHMM,
                                metadata={"description": "HH:MM, Europe/London; reminders go at or after it."})
    start_week = fields.Date(load_default=None, metadata={
        "description": "The Monday of the week each task's first person is on (default: this week)."})
    tasks = fields.Dict(
        keys=fields.String(validate=validate.OneOf(TASKS, error="Not a rota task: use box_score, board or huddle.")),
        values=fields.List(identifier(), validate=_people), required=True,
        metadata={"description": "Per task (box_score: update the box score, board: update the board, huddle: run the "
                                 "huddle), the user ids of team members who take turns, one a week, in this order. "
                                 "A task left out has nobody on it."})

    @validates("start_week")
    def _monday(self, value, **kwargs):
        if value is not None and value.weekday() != 0:
            raise ValidationError(f"{value.isoformat()} is a {value.strftime('%A')}; a rota starts on a Monday.")


class RotaPersonSchema(Schema):
    user_id = fields.String()
    name = fields.String()
    member = fields.Boolean(metadata={"description": "False once they left the team: they are not reminded."})


class RotaTaskSchema(Schema):
    task = fields.String()
    label = fields.String()
    people = fields.List(fields.Nested(RotaPersonSchema), metadata={"description": "In turn order."})


class RotaAssignmentSchema(Schema):
    task = fields.String()
    person = fields.Nested(RotaPersonSchema, allow_none=True)
    done = fields.Boolean(allow_none=True, metadata={"description": "This week only: is the task done (fidelity's rule)."})


class RotaWeekSchema(Schema):
    week_start = fields.Date()
    assignments = fields.List(fields.Nested(RotaAssignmentSchema))


class RotaMemberSchema(Schema):
    user_id = fields.String()
    name = fields.String()
    role = fields.String()


class RotaSchema(Schema):
    team_id = fields.String()
    set_up = fields.Boolean()
    remind_day = fields.String(allow_none=True)
    remind_time = fields.String(allow_none=True)
    start_week = fields.Date(allow_none=True)
    tasks = fields.List(fields.Nested(RotaTaskSchema))
    weeks = fields.List(fields.Nested(RotaWeekSchema), metadata={"description": "This week and the next four."})
    members = fields.List(fields.Nested(RotaMemberSchema), metadata={"description": "Who may be put on the rota."})
    can_edit = fields.Boolean()


class MyTaskSchema(Schema):
    team_id = fields.String()
    team_name = fields.String()
    task = fields.String()
    label = fields.String()
    week_start = fields.Date()
    done = fields.Boolean()


class MyWeekSchema(Schema):
    week_start = fields.Date()
    tasks = fields.List(fields.Nested(MyTaskSchema))
