"""The fields of the synced capacity records, validated on every push (``server/capacity/collections.py``).

``capacity_entries``: ``kind`` (time_lost | meeting | admin), ``minutes`` (a whole number 1-1440:
no floats, strings or booleans), ``occurred_on`` (an ISO date, not after tomorrow in
Europe/London), ``category`` (optional, ≤ 80), ``note`` (optional, ≤ 500).

``time_lost_categories``: ``name`` (1-80, required), ``former_names`` (texts), ``position``
(0-1,000,000), ``archived`` (true/false).
"""

from __future__ import annotations

from marshmallow import fields, validate

from server.capacity.models import KINDS
from server.core.schemas import Schema, written_text
from server.sync_api.validation import IsoDate, StrictBoolean, StrictInteger, not_after_tomorrow

class CapacityEntryFieldsSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    minutes = StrictInteger(required=True, validate=validate.Range(min=1, max=1440))
    occurred_on = IsoDate(required=True, validate=not_after_tomorrow)
    category = written_text(80, allow_none=True)
    note = written_text(500, allow_none=True)


class TimeLostCategoryFieldsSchema(Schema):
    name = written_text(80, required=True)
    former_names = fields.List(written_text(80), validate=validate.Length(max=100))
    position = StrictInteger(validate=validate.Range(min=0, max=1_000_000))
    archived = StrictBoolean()
