"""One description of each synced collection's field rules (spec/collections/*.json) that the server
and the PWA are both tested against: the server's schemas say what the spec says, and the shared
vectors (tests/vectors/collections/) pass through each collection's real validator, on both
databases, as pwa/test/validate.test.js passes them through the PWA's."""

from __future__ import annotations

import json
from pathlib import Path

import marshmallow as ma
import pytest
from marshmallow import fields, validate

from server.board.models import board_settings_id
from server.core.schemas import CharacterLength, characters
from server.measures.models import measure_value_id
from server.sync_api.registry import sync_setup
from server.sync_api.permissions import ServerActor
from server.organisations.access import Access
from server.sync_api.validation import FiniteFloat, IsoDate, MondayDate, StrictBoolean, StrictInteger, not_after_tomorrow
from sync import RecordInfo, Rejected

ROOT = Path(__file__).resolve().parents[1]
SPECS = {p.stem: json.loads(p.read_text("utf-8")) for p in sorted((ROOT / "spec" / "collections").glob("*.json"))}
VECTORS = {p.stem: json.loads(p.read_text("utf-8")) for p in sorted((ROOT / "tests" / "vectors" / "collections").glob("*.json"))}
CASES = [(name, case) for name, vectors in VECTORS.items() for case in vectors["cases"]]

# Records whose id is worked out from their fields (each collection's check holds it to that).
RECORD_IDS = {
    "measure_values": lambda fields, team_id: measure_value_id(fields["measure_id"], fields["week_start"]),
    "board_settings": lambda fields, team_id: board_settings_id(team_id),
}


@pytest.fixture
def moment_at(monkeypatch):
    """Freeze the server's one clock at a vector's ``now``."""
    from server.core import clock

    return lambda instant: monkeypatch.setattr(clock, "_source", clock.FrozenClock(instant))


def expand(value):
    """A vector's value, with {"repeat": text, "times": n} written out."""
    if isinstance(value, dict) and set(value) == {"repeat", "times"}:
        return value["repeat"] * value["times"]
    if isinstance(value, dict):
        return {k: expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand(v) for v in value]
    return value


def describe(field: fields.Field) -> dict:
    """A schema field as spec/collections/*.json describes it."""
    rules = {r.__class__: r for r in field.validators}
    out: dict = {}
    if field.required:
        out["required"] = True
    if field.allow_none:
        out["nullable"] = True
    if isinstance(field, fields.List):
        out.update(type="list", items=describe(field.inner), max_items=rules[validate.Length].max)
    elif isinstance(field, MondayDate):
        out["type"] = "week"
    elif isinstance(field, IsoDate):
        out["type"] = "date"
        if not_after_tomorrow in field.validators:
            out["latest"] = "tomorrow"
    elif isinstance(field, StrictInteger):
        out.update(type="integer", min=rules[validate.Range].min, max=rules[validate.Range].max)
    elif isinstance(field, FiniteFloat):
        out["type"] = "number"
    elif isinstance(field, StrictBoolean):
        out["type"] = "boolean"
    elif validate.OneOf in rules:
        out.update(type="choice", choices=list(rules[validate.OneOf].choices))
    elif CharacterLength in rules:
        out.update(type="text", max_length=rules[CharacterLength].max_length)
    else:
        out.update(type="id", max_length=rules[validate.Length].max)
    return out


def test_every_spec_has_vectors_and_a_collection_of_that_name(app):
    registered = sync_setup(app).engine.collections
    assert set(SPECS) == set(VECTORS)
    for name, spec in SPECS.items():
        assert spec["collection"] == name and name in registered


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_servers_schema_is_the_spec(app, name):
    validator = sync_setup(app).engine.collections[name].validate
    schema: ma.Schema = next(c.cell_contents for c in validator.__closure__ if isinstance(c.cell_contents, ma.Schema))
    described = {field_name: describe(field) for field_name, field in schema.fields.items()}
    # A week's latest day is a rule across the calendar (the collection's check), not the field's.
    spec = {k: {r: v for r, v in f.items() if not (f["type"] == "week" and r == "latest")} for k, f in SPECS[name]["fields"].items()}
    assert described == spec


@pytest.mark.parametrize(("name", "case"), CASES, ids=[f"{n}: {c['name']}" for n, c in CASES])
def test_vectors_through_the_collections_validator(app, make_team, moment_at, name, case):
    moment_at(VECTORS[name]["now"])
    team = make_team()
    values = expand(case["fields"])
    existing = None
    if case["op"] == "edit":
        existing = RecordInfo(name, "r-1", team.id, "user-1", expand(case["existing"]), "2026-10-01T00:00:00Z", "2026-10-01T00:00:00Z")
    record_id = RECORD_IDS[name](values, team.id) if name in RECORD_IDS and existing is None else "r-1"
    actor = ServerActor("user-1", "device-1", readable_team_ids={team.id}, writable_team_ids={team.id},
                        access=Access("user-1", True, frozenset(), frozenset(), frozenset()))
    validator = sync_setup(app).engine.collections[name].validate
    try:
        validator(dict(values), record_id=record_id, existing=existing, team_id=team.id, actor=actor)
        refused = []
    except Rejected as rejected:
        refused = sorted(rejected.fields or {})
    assert refused == case["errors"]


def test_characters_are_counted_as_people_count_them():
    assert characters("👍🏽") == characters("é") == characters("👨‍👩‍👧") == characters("🇬🇧") == 1
    assert characters("Hoist 🚑 broken") == 14
