"""The fields of a ``board_settings`` record: the aim for each box-score area, each optional text of
up to 500 characters (``null`` clears it)."""

from __future__ import annotations

from server.core.schemas import Schema, written_text


class BoardSettingsFieldsSchema(Schema):
    aim_performance = written_text(500, allow_none=True)
    aim_capacity = written_text(500, allow_none=True)
    aim_cost = written_text(500, allow_none=True)
    aim_staff_experience = written_text(500, allow_none=True)
