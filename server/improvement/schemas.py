"""The fields of ``ideas``, ``pdsa_cycles`` and ``actions`` records, validated on every push.

``ideas``: ``title`` (1-200), ``description`` (optional, ≤ 4,000), ``status`` (new | prioritised |
testing | adopted | abandoned | parked; ``new`` when left out), ``pick`` (optional: possible |
implement | challenge | kill), ``measure_ids`` (optional, up to 20 of the team's measures),
``huddle_id`` (optional: where it was raised), ``raised_on`` (a date, not after tomorrow),
``share_in_report`` (true/false, false when left out: an adopted idea as a highlight of the board
report; only the team's leads and coaches change it).
``pdsa_cycles``: ``idea_id``, ``started_on`` (a date), ``plan`` (the change and the prediction,
1-4,000), ``do`` and ``study`` (optional, ≤ 4,000), ``act`` (optional: adopt | adapt | abandon).
``actions``: ``title`` (1-200), ``owner_user_id`` (optional), ``due_on`` (optional date), ``status``
(open | done | dropped; ``open`` when left out), ``huddle_id`` and ``idea_id`` (optional links).
"""

from __future__ import annotations

from marshmallow import fields, validate

from server.core.schemas import Schema, identifier, written_text
from server.improvement.models import ACTION_STATUSES, IDEA_STATUSES, PDSA_DECISIONS, PICKS
from server.sync_api.validation import IsoDate, StrictBoolean, not_after_tomorrow


class IdeaFieldsSchema(Schema):
    title = written_text(200, required=True)
    description = written_text(4000, allow_none=True)
    status = fields.String(validate=validate.OneOf(IDEA_STATUSES))
    pick = fields.String(allow_none=True, validate=validate.OneOf(PICKS))
    measure_ids = fields.List(identifier(), validate=validate.Length(max=20))
    huddle_id = identifier(allow_none=True)
    raised_on = IsoDate(required=True, validate=not_after_tomorrow)
    share_in_report = StrictBoolean()


class PdsaCycleFieldsSchema(Schema):
    idea_id = identifier(required=True)
    started_on = IsoDate(required=True, validate=not_after_tomorrow)
    plan = written_text(4000, required=True)
    do = written_text(4000, allow_none=True)
    study = written_text(4000, allow_none=True)
    act = fields.String(allow_none=True, validate=validate.OneOf(PDSA_DECISIONS))


class ActionFieldsSchema(Schema):
    title = written_text(200, required=True)
    owner_user_id = identifier(allow_none=True)
    due_on = IsoDate(allow_none=True)
    status = fields.String(validate=validate.OneOf(ACTION_STATUSES))
    huddle_id = identifier(allow_none=True)
    idea_id = identifier(allow_none=True)
