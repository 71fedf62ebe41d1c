"""The shared vectors (tests/vectors/sync/*.json) that the JavaScript client also runs."""
from __future__ import annotations

import random

import pytest

from sync.hlc import Hlc, HlcError, format_hlc, parse_hlc
from sync.merge import merge_delete, merge_upsert
from sync_testkit import load_vectors

HLC = load_vectors("hlc.json")
MERGE = load_vectors("merge.json")


def test_vector_files_describe_themselves():
    for data in (HLC, MERGE):
        assert "description" in data and len(data["description"]) > 200


@pytest.mark.parametrize("case", HLC["format"], ids=lambda c: c["hlc"])
def test_hlc_format_and_parse(case):
    assert format_hlc(case["millis"], case["counter"], case["client_id"]) == case["hlc"]
    ts = parse_hlc(case["hlc"])
    assert (ts.millis, ts.counter, ts.client_id) == (case["millis"], case["counter"], case["client_id"])
    assert str(ts) == case["hlc"]


@pytest.mark.parametrize("text", HLC["invalid"])
def test_hlc_invalid(text):
    with pytest.raises(HlcError):
        parse_hlc(text)


def test_hlc_sorted_as_text_equals_tuple_order():
    expected = HLC["sorted"]
    rng = random.Random(7)
    for _ in range(20):
        shuffled = expected[:]
        rng.shuffle(shuffled)
        assert sorted(shuffled) == expected
        assert sorted(shuffled, key=parse_hlc) == expected


@pytest.mark.parametrize("case", HLC["clocks"], ids=lambda c: c["name"])
def test_hlc_clock_steps(case):
    wall = {"ms": 0}
    clock = Hlc(case["client_id"], lambda: wall["ms"], millis=case["state"]["millis"],
                counter=case["state"]["counter"], offset_ms=case["offset_ms"])
    for step in case["steps"]:
        wall["ms"] = step["wall_ms"]
        if step["op"] == "now":
            assert clock.now() == step["expect"]
        elif step["op"] == "receive":
            assert clock.receive(step["remote"]) == step["expect"]
        else:
            assert clock.observe_server_time(step["server_time"]) == step["expect_offset_ms"]
            continue
        assert {"millis": clock.millis, "counter": clock.counter} == step["state_after"]


@pytest.mark.parametrize("case", MERGE["cases"], ids=lambda c: c["name"])
def test_merge_vectors(case):
    if case["op"] == "upsert":
        result = merge_upsert(case["state"], case["fields"], case["hlc"])
    else:
        result = merge_delete(case["state"], case["hlc"])
    exp = case["expect"]
    assert result.status == exp["status"]
    assert result.error_code == exp["error_code"]
    assert result.state == exp["state"]
    assert result.changed == exp["changed"]
    assert sorted(result.changed_fields) == exp["changed_fields"]
    assert [c.to_dict() for c in sorted(result.conflicts, key=lambda c: c.field)] == exp["conflicts"]
