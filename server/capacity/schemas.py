"""The fields of the synced capacity records, validated on every push (``server/capacity/collections.py``).

``capacity_entries``: ``kind`` (time_lost | meeting | admin), ``minutes`` (a whole number 1-1440:
no floats, strings or booleans), ``occurred_on`` (an ISO date, not after tomorrow in
Europe/London), ``category`` (optional, ≤ 80), ``note`` (optional, ≤ 500).

``time_lost_categories``: ``name`` (1-80, required), ``former_names`` (texts), ``position``
(0-1,000,000), ``archived`` (true/false).
"""

from __future__ import annotations

from datetime import timedelta

import marshmallow as ma
from marshmallow import fields, validate

from server.capacity.models import KINDS
from server.core import clock
from server.core.schemas import Schema, text
from server.sync_api.validation import IsoDate, StrictBoolean, StrictInteger

_latest_day: tuple[float, float, str] = (0.0, 0.0, "")


def latest_entry_day() -> str:
    """Tomorrow in Europe/London as ISO text. The fast path checks it for every pushed entry, so it
    is worked out once per London day (from one London midnight to the next) rather than per entry."""
    global _latest_day
    since, until, day = _latest_day
    now = clock.timestamp()
    if not since <= now < until:  # a new day, or a test moved the clock back
        today = clock.today()
        tomorrow = today + timedelta(days=1)
        since = clock.london_midnight(today).timestamp()
        until = clock.london_midnight(tomorrow).timestamp()
        day = tomorrow.isoformat()
        _latest_day = (since, until, day)  # one tuple: threads see the old triple or the new one
    return day


def not_after_tomorrow(value: str) -> None:
    if value > latest_entry_day():
        raise ma.ValidationError("Must not be more than one day in the future.")


class CapacityEntryFieldsSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    minutes = StrictInteger(required=True, validate=validate.Range(min=1, max=1440))
    occurred_on = IsoDate(required=True, validate=not_after_tomorrow)
    category = text(80, allow_none=True)
    note = text(500, allow_none=True)


class TimeLostCategoryFieldsSchema(Schema):
    name = text(80, required=True)
    former_names = fields.List(text(80), validate=validate.Length(max=100))
    position = StrictInteger(validate=validate.Range(min=0, max=1_000_000))
    archived = StrictBoolean()
