from datetime import timezone

from marshmallow import fields, validate

from server.audit.operations import ACTIONS
from server.core.schemas import PRINTABLE_TEXT, Schema


class AuditQuerySchema(Schema):
    since = fields.AwareDateTime(default_timezone=timezone.utc, metadata={
        "description": "Only events at or after this instant (ISO 8601; without a zone it is UTC)."})
    actor_id = fields.String(validate=[validate.Length(min=1, max=36), PRINTABLE_TEXT])
    action = fields.String(validate=[validate.Length(min=1, max=40), PRINTABLE_TEXT], metadata={
        "description": "One action (``user.deactivated``), or a family ending in a dot (``user.``). "
                       f"Actions: {', '.join(ACTIONS)}."})


class AuditPageQuerySchema(AuditQuerySchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    before_id = fields.Integer(validate=validate.Range(min=1, max=2**63 - 1), metadata={
        "description": "The next page: events older than this id (the previous page's ``next_before_id``)."})


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String(allow_none=True)
    details = fields.Dict()


class AuditPageSchema(Schema):
    events = fields.List(fields.Nested(AuditEventSchema))
    # Null on the last page.
    next_before_id = fields.Integer(allow_none=True)
