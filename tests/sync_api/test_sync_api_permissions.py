"""Collections' policies ask the actor's ``Access`` (computed once per request by ``actor_for``), never
the database: they answer here without an app or a database, exactly as ``access.py``'s rules do."""

from __future__ import annotations

import pytest

from server.board.collections import BOARD_SETTINGS_COLLECTION
from server.capacity.collections import capacity_entries, time_lost_categories
from server.huddles.collections import HUDDLE_NOTES_COLLECTION, HUDDLES_COLLECTION
from server.improvement.collections import ACTIONS_COLLECTION, IDEAS_COLLECTION, PDSA_CYCLES_COLLECTION
from server.measures.collections import MEASURE_VALUES_COLLECTION, MEASURES_COLLECTION
from server.organisations.access import Access
from server.sync_api.permissions import ServerActor
from sync import Rejected, RecordInfo

TEAM, OTHER = "team-1", "team-2"
PEOPLE = {
    "member": Access("u-member", False, frozenset({TEAM}), frozenset(), frozenset()),
    "lead": Access("u-lead", False, frozenset({TEAM}), frozenset({TEAM}), frozenset()),
    "coach": Access("u-coach", False, frozenset(), frozenset(), frozenset({TEAM})),
    "admin": Access("u-admin", True, frozenset(), frozenset(), frozenset()),
    "outsider": Access("u-out", False, frozenset({OTHER}), frozenset({OTHER}), frozenset()),
    # The team's ward TV reads the team and writes nothing.
    "display": Access("u-tv", False, frozenset(), frozenset(), frozenset(), displays=frozenset({TEAM})),
}

# who may (create, edit someone else's record, delete someone else's record) in TEAM
_CONTRIBUTION = {"member": "ce", "lead": "ced", "coach": "ce", "admin": "ced", "outsider": "", "display": ""}
EXPECTED = {
    "capacity_entries": {"member": "c", "lead": "ced", "coach": "", "admin": "ced", "outsider": "", "display": ""},
    "time_lost_categories": {"member": "", "lead": "ced", "coach": "", "admin": "ced", "outsider": "", "display": ""},
    "measures": {"member": "", "lead": "ced", "coach": "ced", "admin": "ced", "outsider": "", "display": ""},
    "measure_values": {"member": "ce", "lead": "ce", "coach": "ce", "admin": "ce", "outsider": "", "display": ""},
    "board_settings": {"member": "", "lead": "ce", "coach": "ce", "admin": "ce", "outsider": "", "display": ""},
    "huddles": _CONTRIBUTION, "huddle_notes": _CONTRIBUTION, "ideas": _CONTRIBUTION, "pdsa_cycles": _CONTRIBUTION,
    "actions": _CONTRIBUTION,
}
COLLECTIONS = {c.name: c for c in (capacity_entries(), time_lost_categories(), MEASURES_COLLECTION,
                                   MEASURE_VALUES_COLLECTION, BOARD_SETTINGS_COLLECTION, HUDDLES_COLLECTION,
                                   HUDDLE_NOTES_COLLECTION, IDEAS_COLLECTION, PDSA_CYCLES_COLLECTION,
                                   ACTIONS_COLLECTION)}


def actor(who: str) -> ServerActor:
    access = PEOPLE[who]
    return ServerActor(access.user_id, f"device-{who}", access.readable, access.readable, access.lead_of,
                       access.member_of, access=access)


def record(author: str) -> RecordInfo:
    return RecordInfo("any", "r1", TEAM, author, {}, "2026-11-20T10:00:00.000Z", "2026-11-20T10:00:00.000Z")


def allowed(policy, *args) -> bool:
    try:
        return policy(*args)
    except Rejected:  # a policy may refuse with its own message (weekly values are never deleted)
        return False


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("who", sorted(PEOPLE))
def test_policies_follow_the_access_rules_without_a_database(name, who):
    collection, someone_else = COLLECTIONS[name], record("u-somebody")
    got = "".join(letter for letter, ok in (
        ("c", allowed(collection.can_create, actor(who), TEAM)),
        ("e", allowed(collection.can_update, actor(who), someone_else)),
        ("d", allowed(collection.can_delete, actor(who), someone_else)),
    ) if ok)
    assert got == EXPECTED[name][who]


def test_authors_change_their_own_entries_while_they_are_members():
    entries = capacity_entries()
    own = record("u-member")
    assert entries.can_update(actor("member"), own) and entries.can_delete(actor("member"), own)
    former = Access("u-member", False, frozenset(), frozenset(), frozenset())
    gone = ServerActor("u-member", "device", access=former)
    assert not entries.can_update(gone, own) and not entries.can_delete(gone, own)
