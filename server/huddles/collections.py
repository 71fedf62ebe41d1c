"""The ``huddles`` and ``huddle_notes`` sync collections.

Members and coaches of the team (and admins) create and edit them; the author, the team's leads and
admins delete them (:func:`server.sync_api.permissions.contribution`); a note's ``share_in_report``
mark is changed only by the team's leads and coaches. A note's ``huddle_id`` never
changes and must not name another team's huddle (:mod:`server.sync_api.links`).
"""

from __future__ import annotations

from flask import Flask

from server.huddles.projection import project_huddle_notes, project_huddles
from server.huddles.schemas import HuddleFieldsSchema, HuddleNoteFieldsSchema
from server.sync_api.links import defaults_and_links
from server.sync_api.permissions import contribution, report_mark_by_sharers
from server.sync_api.registry import register_collection
from server.sync_api.validation import marshmallow_validator

HUDDLES = "huddles"
HUDDLE_NOTES = "huddle_notes"

HUDDLES_COLLECTION = contribution(HUDDLES, marshmallow_validator(
    HuddleFieldsSchema(), check=defaults_and_links({"facilitator_user_id": None, "duration_minutes": None}, {})))
HUDDLE_NOTES_COLLECTION = contribution(HUDDLE_NOTES, marshmallow_validator(
    HuddleNoteFieldsSchema(), check=report_mark_by_sharers(defaults_and_links(
        {"share_in_report": False}, {"huddle_id": (HUDDLES, "huddle")}))),
    immutable_fields=frozenset({"huddle_id"}))


def register(app: Flask) -> None:
    register_collection(app, HUDDLES_COLLECTION, projector=project_huddles, record_id_max_length=36)
    register_collection(app, HUDDLE_NOTES_COLLECTION, projector=project_huddle_notes, record_id_max_length=36)
