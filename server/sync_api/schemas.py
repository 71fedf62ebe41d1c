"""Request and response schemas of the sync endpoints (they also write the OpenAPI document).

Push bodies are checked here only as far as the whole request goes (client id, schema version, a
list of objects). Each mutation is checked by the engine, which rejects an invalid one on its own
(``rejected`` with an error) rather than refusing the push: one bad entry must never jam a
device's queue. :class:`MutationSchema` documents a mutation's shape for client writers.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, pre_load, validate

from server.core.errors import ApiError, ErrorDetailSchema
from server.core.schemas import Schema
from sync import SUPPORTED_SCHEMA_VERSIONS

HLC_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z-[0-9a-f]{4}-[A-Za-z0-9_.:\-]{1,64}$"


class MutationSchema(Schema):
    id = fields.Integer(required=True, strict=True, validate=validate.Range(min=1),
                        metadata={"description": "Per device, consecutive from 1."})
    collection = fields.String(required=True, metadata={"example": "capacity_entries"})
    record_id = fields.String(required=True, validate=validate.Length(min=1, max=128))
    op = fields.String(required=True, validate=validate.OneOf(("upsert", "delete")))
    hlc = fields.String(required=True, validate=validate.Regexp(HLC_PATTERN),
                        metadata={"example": "2026-11-26T10:15:30.123Z-0000-<client_id>"})
    fields_ = fields.Dict(keys=fields.String(), data_key="fields", attribute="fields",
                          metadata={"description": "For upsert only: the fields to set (team_id on create)."})


class _MutationField(fields.Nested):
    """Documented as a :class:`MutationSchema`, loaded as the object it is (the engine checks it)."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if not isinstance(value, dict):
            raise ma.ValidationError("Not a valid object.")
        return value


class _MutationList(fields.List):
    """A list of :class:`_MutationField` checked in one pass: the same errors as ``fields.List``
    (``{index: ["Not a valid object."]}``) without a field call per mutation (up to 500 a push)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise self.make_error("invalid")
        errors = {i: ["Field may not be null." if m is None else "Not a valid object."]
                  for i, m in enumerate(value) if not isinstance(m, dict)}
        if errors:
            raise ma.ValidationError(errors, valid_data=[m for m in value if isinstance(m, dict)])
        return value


def schema_version_unsupported() -> ApiError:
    from server.sync_api.operations import documented_extra

    return ApiError(426, "schema_version_unsupported",
                    "This app version is not supported by the server; keep your changes and update the app.",
                    extra=documented_extra({"supported": list(SUPPORTED_SCHEMA_VERSIONS)}))


class PushRequestSchema(Schema):
    client_id = fields.String(required=True, metadata={"description": "The device_id the token was issued for."})
    schema_version = fields.Integer(required=True, strict=True)
    mutations = _MutationList(_MutationField(MutationSchema), required=True, metadata={"maxItems": 500})

    @pre_load
    def refuse_unknown_schema_version(self, data, **kwargs):
        # First of all, so an app from another era learns to update rather than that its body is odd.
        if isinstance(data, dict):
            version = data.get("schema_version")
            if isinstance(version, int) and not isinstance(version, bool) and version not in SUPPORTED_SCHEMA_VERSIONS:
                raise schema_version_unsupported()
        return data


class MutationResultSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("applied", "duplicate", "rejected")))
    error = fields.Nested(ErrorDetailSchema)


class PushResponseSchema(Schema):
    last_mutation_id = fields.Integer(required=True)
    server_time = fields.String(required=True)
    results = fields.List(fields.Nested(MutationResultSchema), required=True)


class PullQuerySchema(Schema):
    cursor = fields.String(load_default="", metadata={"description": "Opaque; empty for the first pull."})
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))


class ChangeSchema(Schema):
    collection = fields.String(required=True)
    record_id = fields.String(required=True)
    deleted = fields.Boolean(required=True)
    record = fields.Dict(keys=fields.String(), required=True,
                         metadata={"description": "id, team_id, the fields, user_id, created_at, updated_at"})
    hlcs = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    left = fields.Boolean(metadata={"description": "Present (true) on a tombstone that only says the record left "
                                                   "this device's sync window: drop the local copy, keep pending "
                                                   "changes; the record still exists."})


class WindowSchema(Schema):
    field = fields.String(required=True, metadata={"description": "The record field that places a record in time."})
    start = fields.String(required=True, data_key="from",
                          metadata={"description": "Devices keep records whose field is at least this (ISO date)."})


class ProgressSchema(Schema):
    done = fields.Integer(required=True)
    total = fields.Integer(required=True)


class PullResponseSchema(Schema):
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
    cursor = fields.String(required=True)
    has_more = fields.Boolean(required=True)
    last_mutation_id = fields.Integer(required=True)
    drop_teams = fields.List(fields.String(), required=True)
    server_time = fields.String(required=True)
    windows = fields.Dict(keys=fields.String(), values=fields.Nested(WindowSchema),
                          metadata={"description": "Per windowed collection, what a device keeps: drop older "
                                                   "local records that have no pending change."})
    progress = fields.Nested(ProgressSchema, metadata={"description": "While a full copy of a team is being sent "
                                                                      "(a first sync): records sent and to send."})


class ConflictsQuerySchema(Schema):
    team_id = fields.String(required=True)
    since = fields.String(metadata={"description": "ISO 8601 time; only conflicts logged at or after it."})


class ConflictSchema(Schema):
    collection = fields.String(required=True)
    record_id = fields.String(required=True)
    field = fields.String(required=True)
    kept_value = fields.Raw(allow_none=True)
    kept_hlc = fields.String(allow_none=True)
    lost_value = fields.Raw(allow_none=True)
    lost_hlc = fields.String(required=True)
    lost_by_user_id = fields.String(allow_none=True)
    lost_by_client_id = fields.String(required=True)
    at = fields.String(required=True)


class ConflictListSchema(Schema):
    conflicts = fields.List(fields.Nested(ConflictSchema), required=True)


class EventsQuerySchema(Schema):
    team_id = fields.String(metadata={"description": "Only this team's pokes (404 if the caller cannot read it); "
                                                     "every team the caller reads when absent."})
