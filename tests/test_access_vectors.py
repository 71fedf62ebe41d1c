"""Who may add records to a team: each collection's create policy as the server runs it agrees with
tests/vectors/access/create.json, the table the PWA's screens are gated by (pwa/test/team-roles.test.js)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.board.collections import BOARD_SETTINGS_COLLECTION
from server.capacity.collections import capacity_entries, time_lost_categories
from server.huddles.collections import HUDDLE_NOTES_COLLECTION, HUDDLES_COLLECTION
from server.improvement.collections import ACTIONS_COLLECTION, IDEAS_COLLECTION, PDSA_CYCLES_COLLECTION
from server.measures.collections import MEASURE_VALUES_COLLECTION, MEASURES_COLLECTION
from server.organisations.access import Access
from server.sync_api.permissions import ServerActor

VECTORS = json.loads((Path(__file__).resolve().parent / "vectors" / "access" / "create.json").read_text("utf-8"))
COLLECTIONS = {c.name: c for c in (capacity_entries(), time_lost_categories(), MEASURES_COLLECTION,
                                   MEASURE_VALUES_COLLECTION, BOARD_SETTINGS_COLLECTION, HUDDLES_COLLECTION,
                                   HUDDLE_NOTES_COLLECTION, IDEAS_COLLECTION, PDSA_CYCLES_COLLECTION, ACTIONS_COLLECTION)}
TEAM = "team-1"


def _access(role: str) -> Access:
    member = role in {"member", "lead", "coach_and_member"}
    return Access(user_id="user-1", is_admin=role == "admin",
                  member_of=frozenset({TEAM}) if member else frozenset(),
                  lead_of=frozenset({TEAM}) if role == "lead" else frozenset(),
                  coach_of=frozenset({TEAM}) if role.startswith("coach") else frozenset(),
                  displays=frozenset({TEAM}) if role == "display" else frozenset())


@pytest.mark.parametrize("role", sorted(VECTORS["roles"]))
def test_each_collections_create_policy_is_the_shared_table(role):
    access = _access(role)
    actor = ServerActor("user-1", "device-1", readable_team_ids={TEAM}, writable_team_ids={TEAM}, access=access)
    allowed = {name: collection.can_create(actor, TEAM) for name, collection in COLLECTIONS.items()}
    assert allowed == VECTORS["roles"][role]
