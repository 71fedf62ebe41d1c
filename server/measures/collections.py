"""The ``measures`` and ``measure_values`` sync collections: validation and permissions.

Registered with the sync engine by :func:`register`; their projectors (``projection.py``) keep the typed
``Measure`` / ``MeasureValue`` tables in step inside the push transaction.

* ``measures``: leads and coaches of the team and admins create, edit and delete; other members read only
  (a member's mutation is rejected with ``forbidden``).
* ``measure_values``: one record per measure and week, with the record id
  ``uuid5(MEASURE_VALUE_NAMESPACE, f"{measure_id}/{week_start}")`` (``models.measure_value_id``) so two devices entering the same week
  offline edit one record and meet the engine's field-level conflict rules. Any member, lead or coach of
  the team writes them, for manual measures of the same team only, never for a future week.
"""

from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa
from flask import Flask

from server.capacity.models import TimeLostCategory
from server.core.weeks import current_week_start
from server.extensions import db
from server.measures.models import Measure, measure_value_id
from server.measures.projection import project_measure_values, project_measures
from server.measures.schemas import MEASURE_DEFAULTS, MeasureFieldsSchema, MeasureValueFieldsSchema
from server.organisations.access import Access
from server.sync_api.permissions import record_rule, team_rule
from server.sync_api.registry import register_collection
from server.sync_api.validation import invalid_fields, marshmallow_validator
from sync import Actor, Collection, RecordInfo, Rejected

MEASURES = "measures"
MEASURE_VALUES = "measure_values"


# ---- validation ------------------------------------------------------------------------------------
def _check_measure(cleaned: dict, *, record_id: str, existing: RecordInfo | None, team_id: str,
                   actor: Actor) -> dict:
    if "rebase_weeks" in cleaned:
        cleaned["rebase_weeks"] = sorted(set(cleaned["rebase_weeks"]))
    if existing is None:
        cleaned = {**MEASURE_DEFAULTS, **cleaned}
        if cleaned["source"] == "derived" and cleaned["derived_unit"] is None:
            cleaned["derived_unit"] = "hours"
    merged: Mapping[str, Any] = {**(existing.fields if existing else {}), **cleaned}

    errors: dict[str, list[str]] = {}
    if merged.get("source") == "derived":
        if not merged.get("derived_kind"):
            errors["derived_kind"] = ["Required for a derived measure: time_lost, meeting or admin."]
        if not merged.get("derived_unit"):
            errors["derived_unit"] = ["Required for a derived measure: hours or percent_of_contracted."]
    category_id = merged.get("derived_category_id")
    if category_id:
        if merged.get("source") != "derived" or merged.get("derived_kind") != "time_lost":
            errors["derived_category_id"] = ["Only a derived time-lost measure can count one category."]
        elif "derived_category_id" in cleaned:
            # A data check, not a permission: the category must be this team's.
            owner = db.session.scalar(sa.select(TimeLostCategory.team_id).where(TimeLostCategory.id == category_id))
            if owner is not None and owner != team_id:
                errors["derived_category_id"] = ["No time-lost category of this team has this id."]
    if errors:
        raise invalid_fields(errors)
    return cleaned


def _check_measure_value(cleaned: dict, *, record_id: str, existing: RecordInfo | None, team_id: str,
                         actor: Actor) -> dict:
    errors: dict[str, list[str]] = {}
    if "week_start" in cleaned and cleaned["week_start"] > current_week_start().isoformat():
        errors["week_start"] = ["Cannot be a future week."]
    if existing is None:
        # A data check, not a permission: the measure must be a manual one of this team. A measure
        # created earlier in the same push is not projected yet, so an unknown id is accepted (the
        # box score reads values of its team's manual measures only); a known one must fit.
        measure = db.session.execute(
            sa.select(Measure.team_id, Measure.source).where(Measure.id == cleaned["measure_id"])
        ).first()
        if measure is not None and measure.team_id != team_id:
            errors["measure_id"] = ["No measure of this team has this id."]
        elif measure is not None and measure.source != "manual":
            errors["measure_id"] = ["This measure is derived from capacity entries; its values are computed."]
    if errors:
        raise invalid_fields(errors)
    return cleaned


validate_measure = marshmallow_validator(MeasureFieldsSchema(), check=_check_measure)
validate_measure_value = marshmallow_validator(MeasureValueFieldsSchema(), check=_check_measure_value)


# ---- the collections -------------------------------------------------------------------------------
def _never_delete_value(actor: Actor, record: RecordInfo) -> bool:
    # Deletes are final in the engine and a week's value has exactly one possible record id, so a deleted
    # week could never be entered again. Clearing the value keeps the record.
    raise Rejected("forbidden", "A weekly value cannot be deleted; clear it instead (set value to null).")


MEASURES_COLLECTION = Collection(
    name=MEASURES,
    validate=validate_measure,
    can_create=team_rule(Access.can_edit_measures),
    can_update=record_rule(Access.can_edit_measures),
    can_delete=record_rule(Access.can_edit_measures),
)

MEASURE_VALUES_COLLECTION = Collection(
    name=MEASURE_VALUES,
    validate=validate_measure_value,
    derived_id=lambda team_id, fields: measure_value_id(fields["measure_id"], fields["week_start"]),
    derived_ids_only=True,
    immutable_fields=frozenset({"measure_id", "week_start"}),
    can_create=team_rule(Access.can_enter_values),
    can_update=record_rule(Access.can_enter_values),
    can_delete=_never_delete_value,
)


def register(app: Flask) -> None:
    """Register both collections and their projectors with the app's sync engine."""
    register_collection(app, MEASURES_COLLECTION, projector=project_measures, record_id_max_length=36)
    register_collection(app, MEASURE_VALUES_COLLECTION, projector=project_measure_values, record_id_max_length=36)
