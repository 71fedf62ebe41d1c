"""Bodies of the milestone endpoints."""

from marshmallow import fields

from server.core.schemas import Schema


class MilestoneSchema(Schema):
    code = fields.String()
    reached_at = fields.DateTime()
    evidence = fields.Dict()
    confirmed_by_user_id = fields.String(allow_none=True)


class MilestoneListSchema(Schema):
    milestones = fields.List(fields.Nested(MilestoneSchema))
