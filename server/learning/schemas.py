"""Bodies of the shared learning library's endpoints."""

from __future__ import annotations

from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from server.core.schemas import Schema, identifier, text, written_text
from server.learning.models import KINDS, TEXT_MAX, TITLE_MAX

PAGE_MAX = 50


class SharedItemCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS, error="Choose an adopted change or a case study."))
    idea_id = identifier(load_default=None, metadata={"description": "Adopted changes: one of the team's adopted ideas."})
    measure_id = identifier(load_default=None, metadata={
        "description": "The measure the change moved (adopted changes: one of the idea's measures; its first when left out)."})
    title = written_text(TITLE_MAX, load_default=None)  # case studies
    text = written_text(TEXT_MAX, load_default=None)  # case studies

    @validates_schema
    def _by_kind(self, data, **kwargs):
        errors: dict[str, list[str]] = {}
        if data.get("kind") == "adopted_change":
            if not data.get("idea_id"):
                errors["idea_id"] = ["Choose the adopted idea to share."]
            for name in ("title", "text"):
                if data.get(name) is not None:
                    errors[name] = ["An adopted change is shared with its idea's own title and description."]
        elif data.get("kind") == "case_study":
            if data.get("idea_id") is not None:
                errors["idea_id"] = ["A case study is not made from an idea: share the idea as an adopted change."]
            for name, words in (("title", "Give the case study a title."), ("text", "Write the case study.")):
                if not (data.get(name) or "").strip():
                    errors[name] = [words]
        if errors:
            raise ValidationError(errors)


class LibraryQuerySchema(Schema):
    q = text(200, load_default=None, metadata={"description": "Words in the title or text (any case)."})
    measure = text(120, load_default=None, metadata={"description": "Part of the measure's name (any case)."})
    service = text(120, load_default=None, metadata={"description": "The team's service (any case)."})
    cursor = fields.String(load_default=None, validate=validate.Length(max=200),
                           metadata={"description": "The ``next_cursor`` of the page before."})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=PAGE_MAX))

    @pre_load
    def _empty_is_absent(self, data, **kwargs):
        # A search form sends its empty boxes as ``q=``: that means "any", not a blank search.
        return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}


class AdoptSchema(Schema):
    team_id = identifier(required=True, metadata={"description": "The team that adopts the change (the caller's)."})


class PointSchema(Schema):
    week_start = fields.Date()
    value = fields.Float()
    phase = fields.String(metadata={"description": "before | after the change was first tested."})


class ChartSchema(Schema):
    measure_id = fields.String()
    measure_name = fields.String()
    unit = fields.String(allow_none=True)
    direction = fields.String()
    change_week = fields.Date(metadata={"description": "The week the change was first tested (its first PDSA cycle)."})
    points = fields.List(fields.Nested(PointSchema))
    before_mean = fields.Float(allow_none=True)
    after_mean = fields.Float(allow_none=True)


class CycleSchema(Schema):
    started_on = fields.Date()
    plan = fields.String()
    do = fields.String(allow_none=True)
    study = fields.String(allow_none=True)
    act = fields.String(allow_none=True)


class SharedItemSchema(Schema):
    id = fields.String()
    kind = fields.String()
    team_id = fields.String()
    team_name = fields.String()
    board_id = fields.String()
    board_name = fields.String()
    service = fields.String(allow_none=True)
    idea_id = fields.String(allow_none=True)
    measure_id = fields.String(allow_none=True)
    measure_name = fields.String(allow_none=True)
    title = fields.String()
    text = fields.String(allow_none=True)
    author_id = fields.String()
    author_name = fields.String()
    created_at = fields.DateTime()
    shared = fields.Boolean(metadata={"description": "A lead of the team consented: it is in the library."})
    consented_by = fields.String(allow_none=True)
    consented_by_name = fields.String(allow_none=True)
    consented_at = fields.DateTime(allow_none=True)
    chart = fields.Nested(ChartSchema, allow_none=True)
    cycles = fields.List(fields.Nested(CycleSchema))


class FacetsSchema(Schema):
    measures = fields.List(fields.String())
    services = fields.List(fields.String())


class LibraryPageSchema(Schema):
    items = fields.List(fields.Nested(SharedItemSchema))
    next_cursor = fields.String(allow_none=True)
    facets = fields.Nested(FacetsSchema, metadata={"description": "The measures and services of the whole library."})


class TeamItemsSchema(Schema):
    items = fields.List(fields.Nested(SharedItemSchema))


class AdoptedSchema(Schema):
    idea_id = fields.String()
    team_id = fields.String()
    title = fields.String()
    created = fields.Boolean(metadata={"description": "False when the team had already adopted this item."})
