"""The fields of ``huddles`` and ``huddle_notes`` records, validated on every push.

``huddles``: ``held_on`` (a date, not more than one day in the future in London), ``attendee_count``
(0-500), ``manager_present`` and ``finance_present`` (true/false), ``facilitator_user_id`` (optional),
``duration_minutes`` (optional, 1-120).
``huddle_notes``: ``huddle_id``, ``step`` (one of the seven agenda steps), ``text`` (1-2,000 characters),
``share_in_report`` (true/false, false when left out: a highlight of the board report; only the
team's leads and coaches change it).
"""

from __future__ import annotations

from marshmallow import fields, validate

from server.core.schemas import Schema, identifier, written_text
from server.huddles.models import STEPS
from server.sync_api.validation import IsoDate, StrictBoolean, StrictInteger, not_after_tomorrow


class HuddleFieldsSchema(Schema):
    held_on = IsoDate(required=True, validate=not_after_tomorrow)
    attendee_count = StrictInteger(required=True, validate=validate.Range(min=0, max=500))
    manager_present = StrictBoolean(required=True)
    finance_present = StrictBoolean(required=True)
    facilitator_user_id = identifier(allow_none=True)
    duration_minutes = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=120))


class HuddleNoteFieldsSchema(Schema):
    huddle_id = identifier(required=True)
    step = fields.String(required=True, validate=validate.OneOf(STEPS))
    text = written_text(2000, required=True)
    share_in_report = StrictBoolean()
