"""The ``board_settings`` sync collection: one record per team holding the aim for each box-score area.

Its record id is :func:`board_settings_id` of the team. Leads and coaches of the team (and admins)
write it, as they define the box score; members read it. It is never deleted: clearing an aim sets
it to ``null`` (a delete is final in the engine, and the team's one record id could never be used
again).
"""

from __future__ import annotations

from flask import Flask

from server.board.models import AIM_FIELDS, board_settings_id
from server.board.projection import project_board_settings
from server.board.schemas import BoardSettingsFieldsSchema
from server.organisations.access import Access
from server.sync_api.permissions import record_rule, team_rule
from server.sync_api.registry import register_collection
from server.sync_api.validation import marshmallow_validator
from sync import Actor, Collection, RecordInfo, Rejected

BOARD_SETTINGS = "board_settings"


def _check(cleaned: dict, *, record_id: str, existing: RecordInfo | None, team_id: str, actor: Actor) -> dict:
    if existing is None:
        cleaned = {**dict.fromkeys(AIM_FIELDS), **cleaned}
    return cleaned


def _never_delete(actor: Actor, record: RecordInfo) -> bool:
    raise Rejected("forbidden", "The board's settings cannot be deleted; clear an aim instead (set it to null).")


BOARD_SETTINGS_COLLECTION = Collection(
    name=BOARD_SETTINGS,
    validate=marshmallow_validator(BoardSettingsFieldsSchema(), check=_check),
    derived_id=lambda team_id, fields: board_settings_id(team_id),
    derived_ids_only=True,
    can_create=team_rule(Access.can_set_board_aims),
    can_update=record_rule(Access.can_set_board_aims),
    can_delete=_never_delete,
)


def register(app: Flask) -> None:
    register_collection(app, BOARD_SETTINGS_COLLECTION, projector=project_board_settings, record_id_max_length=36)
