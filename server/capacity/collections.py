"""The synced capacity collections: ``capacity_entries`` and ``time_lost_categories``.

Each collection is a :class:`sync.Collection` (validator, permission policies) plus a projector
that keeps its typed read table in step (:mod:`server.capacity.projection`). Field values are
validated with marshmallow; an invalid mutation is ``rejected`` with ``validation_error`` and
the failing fields, exactly like a 422 elsewhere in the API.

``capacity_entries``: ``kind`` (time_lost | meeting | admin), ``minutes`` (a whole number 1-1440:
no floats, strings or booleans), ``occurred_on`` (an ISO date, not after tomorrow in
Europe/London), ``category`` (optional, ≤ 80), ``note`` (optional, ≤ 500). Any member writes;
only the author or a lead (or an admin) edits or deletes; coaches read.

``time_lost_categories``: ``name`` (1-80, required), ``former_names`` (texts), ``position``
(0-1,000,000), ``archived`` (true/false). Leads and admins create, edit and delete; members
and coaches read.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Callable, Optional

import marshmallow as ma
from flask import Flask
from marshmallow import fields, validate

from server.capacity.models import KINDS
from server.capacity.projection import project_capacity_entries, project_time_lost_categories
from server.core import clock
from server.core.errors import flatten_field_errors
from server.core.schemas import PRINTABLE_TEXT, Schema, text
from server.sync_api.registry import register_collection
from sync import Actor, Collection, RecordInfo, Rejected, author_or_lead

class StrictInteger(fields.Integer):
    """An integer as JSON has it: no floats (even 15.0), no strings, no booleans."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` only (not 1, "yes" or "true")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class IsoDate(fields.Date):
    """A calendar date, kept as its canonical ISO text (``YYYY-MM-DD``), as it is stored and synced."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs).isoformat()


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


Validator = Callable[..., dict[str, Any]]
FastPath = Callable[[dict[str, Any], bool], Optional[dict[str, Any]]]


def marshmallow_validator(schema: ma.Schema, fast_path: FastPath | None = None) -> Validator:
    """A :class:`sync.registry.Validator` from a schema: all required fields on create, the given
    ones on an edit; errors become ``Rejected("validation_error", ..., fields)``.

    ``fast_path(values, creating)`` may return the cleaned fields of a plainly valid mutation
    without the schema's per-field overhead (see :func:`plainly_valid_entry`); when it returns
    None the schema decides, so every error message still comes from the schema."""

    def validate_fields(values: dict[str, Any], *, record_id: str, existing: Optional[RecordInfo], team_id: str,
                        actor: Actor) -> dict[str, Any]:
        if fast_path is not None:
            cleaned = fast_path(values, existing is None)
            if cleaned is not None:
                return cleaned
        try:
            return schema.load(values, partial=existing is not None)
        except ma.ValidationError as err:
            raise Rejected("validation_error", "Some fields are not valid.",
                           flatten_field_errors(err.messages)) from None

    return validate_fields


_ENTRY_REQUIRED = frozenset({"kind", "minutes", "occurred_on"})
_ENTRY_FIELDS = frozenset(CapacityEntryFieldsSchema().fields)
_KINDS = frozenset(KINDS)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_PRINTABLE = PRINTABLE_TEXT.regex


def plainly_valid_entry(values: dict[str, Any], creating: bool) -> Optional[dict[str, Any]]:
    """What :class:`CapacityEntryFieldsSchema` would return for a plainly valid entry, else None.

    The schema costs about 20 µs an entry, half the budget of a 25,000 records/s push; this check
    costs 2. It accepts a subset of what the schema accepts and returns the same cleaned fields
    (``tests/sync_api/test_sync_api_validation.py`` checks both with hypothesis); anything unusual
    goes to the schema, which also writes every error message."""
    keys = values.keys()
    if not keys <= _ENTRY_FIELDS or (creating and not _ENTRY_REQUIRED <= keys):
        return None
    kind = values.get("kind", "time_lost")
    minutes = values.get("minutes", 1)
    if type(kind) is not str or kind not in _KINDS or type(minutes) is not int or not 1 <= minutes <= 1440:
        return None
    day = values.get("occurred_on", _ABSENT)
    if day is not _ABSENT and (type(day) is not str or not _plain_day(day) or day > latest_entry_day()):
        return None
    category, note = values.get("category"), values.get("note")
    if (category is not None and not _plain_text(category, 80)) or (note is not None and not _plain_text(note, 500)):
        return None
    return dict(values)


_ABSENT = object()


@lru_cache(maxsize=1024)
def _plain_day(day: str) -> bool:
    """A ``YYYY-MM-DD`` date that exists (the entries of a push fall on a few days: each is parsed once)."""
    if not _ISO_DATE.match(day):
        return False
    try:
        date.fromisoformat(day)
    except ValueError:
        return False
    return True


def _plain_text(value: Any, max_length: int) -> bool:
    return type(value) is str and 1 <= len(value) <= max_length and _PRINTABLE.match(value) is not None


def team_lead(actor: Actor, team_id: str) -> bool:
    return actor.is_member(team_id) and actor.is_lead(team_id)


def team_lead_record(actor: Actor, record: RecordInfo) -> bool:
    return team_lead(actor, record.team_id)


def capacity_entries() -> Collection:
    return Collection(
        "capacity_entries",
        validate=marshmallow_validator(CapacityEntryFieldsSchema(), fast_path=plainly_valid_entry),
        can_update=author_or_lead,
        can_delete=author_or_lead,
    )


def time_lost_categories() -> Collection:
    return Collection(
        "time_lost_categories",
        validate=marshmallow_validator(TimeLostCategoryFieldsSchema()),
        can_create=team_lead,
        can_update=team_lead_record,
        can_delete=team_lead_record,
    )


def register(app: Flask) -> None:
    # Record ids are uuids; the read tables' keys are 36 characters.
    register_collection(app, capacity_entries(), projector=project_capacity_entries, record_id_max_length=36)
    register_collection(app, time_lost_categories(), projector=project_time_lost_categories,
                        record_id_max_length=36)
