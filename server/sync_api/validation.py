"""Validating a synced collection's fields: the one module every collection's validator comes from.

Devices send JSON, and a stored field must stay the value the device sent, so the fields of a
synced record are checked more strictly than marshmallow's defaults: ``15.0``, ``"15"`` and
``true`` are not integers, ``1`` and ``"yes"`` are not booleans, dates are kept as their ISO text.

* the strict fields: :class:`StrictInteger`, :class:`StrictBoolean`, :class:`FiniteFloat`,
  :class:`IsoDate`, :class:`MondayDate`;
* :func:`marshmallow_validator`: a :class:`sync.registry.Validator` from a schema, with an optional
  fast path for plainly valid values and an optional ``check`` for rules across fields;
* :func:`invalid_fields`: the ``validation_error`` every validator raises, its field names
  flattened with the keys of :func:`server.core.errors.flatten_messages` (``_body`` for the record
  as a whole), so a rejected mutation names its fields exactly like a 422 elsewhere in the API.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any, Callable, Optional, Protocol

import marshmallow as ma
from marshmallow import fields

from server.core import clock
from server.core.errors import flatten_messages
from server.core.weeks import is_monday
from sync import Actor, RecordInfo, Rejected
from sync.registry import Validator

EARLIEST_WEEK = "2000-01-03"  # the first Monday of 2000: older weeks are typos, not history


class StrictInteger(fields.Integer):
    """An integer as JSON has it: no floats (even 15.0), no strings, no booleans."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` only (marshmallow's Boolean also takes 1, "yes", "on"...)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class FiniteFloat(fields.Float):
    """A JSON number (not a numeric string, not a boolean), finite."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        result = super()._deserialize(value, attr, data, **kwargs)
        if not math.isfinite(result):
            raise ma.ValidationError("Must be a finite number.")
        return result


class IsoDate(fields.Date):
    """A calendar date, kept as its canonical ISO text (``YYYY-MM-DD``), as it is stored and synced."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return self._day(value, attr, data, **kwargs).isoformat()

    def _day(self, value, attr, data, **kwargs) -> date:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class MondayDate(IsoDate):
    """The Monday that names an ISO week (weeks are named by their Monday), from :data:`EARLIEST_WEEK`."""

    def _day(self, value, attr, data, **kwargs) -> date:
        if not isinstance(value, str) or len(value) != 10:
            raise ma.ValidationError("Must be an ISO date, YYYY-MM-DD.")
        day = super()._day(value, attr, data, **kwargs)
        if not is_monday(day):
            raise ma.ValidationError("Must be a Monday (weeks are named by their Monday).")
        if day.isoformat() < EARLIEST_WEEK:
            raise ma.ValidationError(f"Must be on or after {EARLIEST_WEEK}.")
        return day


_latest_day: tuple[float, float, str] = (0.0, 0.0, "")


def latest_entry_day() -> str:
    """Tomorrow in Europe/London as ISO text: the latest day a capacity entry or a huddle may be dated
    (a device's clock may run a little ahead). Fast paths check it for every pushed record, so it
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


def invalid_fields(errors: dict[str, list[str]]) -> Rejected:
    """The rejection of a mutation whose fields are not valid (``errors``: field -> messages)."""
    return Rejected("validation_error", "Some fields are not valid.", errors)


#: ``fast_path(values, creating)``: the cleaned fields of a plainly valid mutation, or None.
FastPath = Callable[[dict[str, Any], bool], Optional[dict[str, Any]]]


class Check(Protocol):
    """``check(cleaned, *, record_id, existing, team_id, actor)``: rules the schema cannot state
    (across fields, against the record's id or its stored fields). Returns the cleaned fields, or
    raises :func:`invalid_fields`."""

    def __call__(self, cleaned: dict[str, Any], *, record_id: str, existing: Optional[RecordInfo], team_id: str,
                 actor: Actor) -> dict[str, Any]: ...


def marshmallow_validator(schema: ma.Schema, fast_path: FastPath | None = None, *,
                          check: Check | None = None) -> Validator:
    """A :class:`sync.registry.Validator` from ``schema``: every required field on create, the given
    ones on an edit (a partial load); errors become :func:`invalid_fields`.

    ``fast_path`` may return the cleaned fields of a plainly valid mutation without the schema's
    per-field overhead; when it returns None the schema decides, so every error message still comes
    from the schema. A fast path must accept only what the schema accepts, with the same result
    (``tests/sync_api/test_sync_api_validation.py`` holds ``capacity_entries``' one to that).

    ``check`` then runs on the cleaned fields (from either path)."""

    def validate(values: dict[str, Any], *, record_id: str, existing: Optional[RecordInfo], team_id: str,
                 actor: Actor) -> dict[str, Any]:
        cleaned = fast_path(values, existing is None) if fast_path is not None else None
        if cleaned is None:
            try:
                cleaned = schema.load(values, partial=existing is not None)
            except ma.ValidationError as err:
                raise invalid_fields(flatten_messages(err.messages)) from None
        if check is not None:
            return check(cleaned, record_id=record_id, existing=existing, team_id=team_id, actor=actor)
        return cleaned

    return validate
