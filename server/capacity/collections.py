"""The synced capacity collections: ``capacity_entries`` and ``time_lost_categories``.

Each collection is a :class:`sync.Collection` (validator, permission policies) plus a projector
that keeps its typed read table in step (:mod:`server.capacity.projection`). Field values are
validated with the schemas in :mod:`server.capacity.schemas` (:func:`marshmallow_validator`); an
invalid mutation is ``rejected`` with ``validation_error`` and the failing fields, exactly like a
422 elsewhere in the API.

``capacity_entries``: any member writes; only the author or a lead (or an admin) edits or deletes;
coaches read. Devices keep a window of them (:data:`ENTRY_WINDOW_WEEKS`, this week and the 15 before):
the team's leads the team's entries, everyone else their own (``Access.keeps_team_entries``).
``capacity_weekly_totals``: read-only, written by the server with the entries (the box score's input
on devices). ``time_lost_categories``: leads and admins create, edit and delete; members and
coaches read. A category's id is random, or for a default one :func:`default_category_id` of its team
and name (a uuid5 id of another team's is refused: ``Collection.derived_id``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Optional

from flask import Flask

from server.capacity.models import ENTRY_WINDOW_WEEKS, KINDS, default_category_id
from server.capacity.projection import TOTALS_COLLECTION, project_capacity_entries, project_time_lost_categories
from server.core.weeks import current_week_start
from server.capacity.schemas import CapacityEntryFieldsSchema, TimeLostCategoryFieldsSchema
from server.core.schemas import PRINTABLE_TEXT
from server.organisations.access import Access
from server.sync_api.permissions import author_or_manager, record_rule, team_rule, unless
from server.sync_api.registry import register_collection
from server.sync_api.validation import latest_entry_day, marshmallow_validator
from sync import Collection
from sync.registry import SyncWindow

_ENTRY_REQUIRED = frozenset({"kind", "minutes", "occurred_on"})
_ENTRY_FIELDS = frozenset(CapacityEntryFieldsSchema().fields)
_KINDS = frozenset(KINDS)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_PRINTABLE = PRINTABLE_TEXT.regex


def plainly_valid_entry(values: dict[str, Any], creating: bool) -> Optional[dict[str, Any]]:
    """What :class:`CapacityEntryFieldsSchema` would return for a plainly valid entry, else None.

    The schema costs about 20 µs an entry, half the budget of a 25,000 records/s push; this check
    costs 2. It accepts a subset of what the schema accepts and returns the same cleaned fields, and
    declines only what the schema refuses or rewrites (a date in another ISO form): valid entries sent
    as they are stored never miss it (``tests/sync_api/test_sync_api_validation.py`` checks all three
    with hypothesis). What it declines goes to the schema, which also writes every error message."""
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


def entry_window_start() -> str:
    """The first day a device keeps entries of: the Monday 15 weeks before this London week's."""
    return (current_week_start() - timedelta(weeks=ENTRY_WINDOW_WEEKS - 1)).isoformat()


def capacity_entries() -> Collection:
    return Collection(
        "capacity_entries",
        validate=marshmallow_validator(CapacityEntryFieldsSchema(), fast_path=plainly_valid_entry),
        can_create=team_rule(Access.can_write),
        can_update=author_or_manager,
        can_delete=author_or_manager,
        window=SyncWindow("occurred_on", entry_window_start, own_only=unless(Access.keeps_team_entries)),
    )


def capacity_weekly_totals() -> Collection:
    return Collection(TOTALS_COLLECTION, read_only=True)


def time_lost_categories() -> Collection:
    return Collection(
        "time_lost_categories",
        validate=marshmallow_validator(TimeLostCategoryFieldsSchema()),
        derived_id=lambda team_id, fields: default_category_id(team_id, fields["name"]),
        can_create=team_rule(Access.can_manage),
        can_update=record_rule(Access.can_manage),
        can_delete=record_rule(Access.can_manage),
    )


def register(app: Flask) -> None:
    # Record ids are uuids; the read tables' keys are 36 characters.
    register_collection(app, capacity_entries(), projector=project_capacity_entries, record_id_max_length=36)
    register_collection(app, capacity_weekly_totals(), record_id_max_length=36)
    register_collection(app, time_lost_categories(), projector=project_time_lost_categories,
                        record_id_max_length=36)
