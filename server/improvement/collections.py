"""The ``ideas``, ``pdsa_cycles`` and ``actions`` sync collections.

Members and coaches of the team (and admins) create and edit them; the author, the team's leads and
admins delete them. Status changes are free in both directions (an offline device is never refused
for moving a card back); a move that overwrites another device's is kept in the conflict log by the
engine, and every move in ``idea_moves``. Links (``huddle_id``, ``idea_id``, ``measure_ids``) stay
inside the team (:mod:`server.sync_api.links`); a PDSA cycle's ``idea_id`` never changes; an idea's
``share_in_report`` mark is changed only by the team's leads and coaches.
"""

from __future__ import annotations

from flask import Flask

from server.huddles.collections import HUDDLES
from server.improvement.projection import project_actions, project_ideas, project_pdsa_cycles
from server.improvement.schemas import ActionFieldsSchema, IdeaFieldsSchema, PdsaCycleFieldsSchema
from server.measures.collections import MEASURES
from server.sync_api.links import defaults_and_links
from server.sync_api.permissions import contribution, report_mark_by_sharers
from server.sync_api.registry import register_collection
from server.sync_api.validation import marshmallow_validator

IDEAS, PDSA_CYCLES, ACTIONS = "ideas", "pdsa_cycles", "actions"

_IDEA_DEFAULTS = {"description": None, "status": "new", "pick": None, "measure_ids": [], "huddle_id": None,
                  "share_in_report": False}
_PDSA_DEFAULTS = {"do": None, "study": None, "act": None}
_ACTION_DEFAULTS = {"owner_user_id": None, "due_on": None, "status": "open", "huddle_id": None, "idea_id": None}
_HUDDLE, _IDEA = (HUDDLES, "huddle"), (IDEAS, "idea")

IDEAS_COLLECTION = contribution(IDEAS, marshmallow_validator(IdeaFieldsSchema(), check=report_mark_by_sharers(
    defaults_and_links(_IDEA_DEFAULTS, {"huddle_id": _HUDDLE, "measure_ids": (MEASURES, "measure")}))))
PDSA_CYCLES_COLLECTION = contribution(PDSA_CYCLES, marshmallow_validator(PdsaCycleFieldsSchema(), check=defaults_and_links(
    _PDSA_DEFAULTS, {"idea_id": _IDEA})), immutable_fields=frozenset({"idea_id"}))
ACTIONS_COLLECTION = contribution(ACTIONS, marshmallow_validator(ActionFieldsSchema(), check=defaults_and_links(
    _ACTION_DEFAULTS, {"huddle_id": _HUDDLE, "idea_id": _IDEA})))


def register(app: Flask) -> None:
    register_collection(app, IDEAS_COLLECTION, projector=project_ideas, record_id_max_length=36)
    register_collection(app, PDSA_CYCLES_COLLECTION, projector=project_pdsa_cycles, record_id_max_length=36)
    register_collection(app, ACTIONS_COLLECTION, projector=project_actions, record_id_max_length=36)
