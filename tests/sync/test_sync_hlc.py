"""HLC and merge unit tests beyond the shared vectors (properties, edge cases)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.hlc import (MAX_COUNTER, Hlc, HlcError, compact_hlcs, expand_hlcs, format_hlc, format_time, parse_hlc,
                      parse_time, successor)
from sync.merge import json_equal, merge_delete, merge_upsert
from sync_testkit import T0

client_ids = st.text(alphabet="abcXYZ019_.:-", min_size=1, max_size=12)
millis = st.integers(min_value=0, max_value=253402300799999)
counters = st.integers(min_value=0, max_value=MAX_COUNTER)


@settings(max_examples=300, deadline=None)
@given(millis, counters, client_ids, millis, counters, client_ids)
def test_text_order_is_tuple_order(m1, c1, id1, m2, c2, id2):
    a, b = format_hlc(m1, c1, id1), format_hlc(m2, c2, id2)
    assert (a < b) == ((m1, c1, id1) < (m2, c2, id2))
    assert parse_hlc(a) == parse_hlc(a) and str(parse_hlc(b)) == b


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["now", "recv"]), st.integers(-5000, 5000), millis, counters), max_size=40))
def test_clock_is_strictly_monotonic_and_beats_what_it_received(steps):
    wall = {"ms": T0}
    clock = Hlc("me", lambda: wall["ms"])
    last = ""
    for kind, jump, rm, rc in steps:
        wall["ms"] = max(0, wall["ms"] + jump)
        if kind == "now":
            ts = clock.now()
        else:
            remote = format_hlc(min(rm, T0 + 10**9), rc, "other")
            ts = clock.receive(remote)
            assert parse_hlc(ts)[:2] > parse_hlc(remote)[:2]  # later in time, or the same ms counted on
        assert ts > last
        last = ts


def test_time_round_trip_and_errors():
    assert format_time(parse_time("2026-11-26T10:15:30.123Z")) == "2026-11-26T10:15:30.123Z"
    for bad in ("2026-11-26T10:15:30Z", "2026-11-26", None, "2026-11-26T10:15:30.123+01:00"):
        with pytest.raises(HlcError):
            parse_time(bad)  # type: ignore[arg-type]
    with pytest.raises(HlcError):
        format_time(-1)
    with pytest.raises(HlcError):
        format_hlc(0, MAX_COUNTER + 1, "a")
    with pytest.raises(HlcError):
        Hlc("not valid!")


def test_successor_rolls_over():
    ts = parse_hlc(format_hlc(T0, MAX_COUNTER, "a"))
    assert str(successor(ts, "b")) == format_hlc(T0 + 1, 0, "b")
    assert str(successor(parse_hlc(format_hlc(T0, 5, "a")))) == format_hlc(T0, 6, "a")


def test_json_equal():
    assert json_equal(1, 1.0) and not json_equal(True, 1) and not json_equal(0, False)
    assert json_equal({"a": [1, None]}, {"a": [1.0, None]}) and not json_equal({"a": 1}, {"a": 1, "b": 2})
    assert not json_equal(None, 0) and not json_equal("1", 1)


@settings(max_examples=200, deadline=None)
@given(st.permutations(range(6)), st.lists(st.sampled_from(["x", "y", "z"]), min_size=6, max_size=6))
def test_merge_is_order_independent(order, values):
    """Applying the same set of upserts in any order gives the same values and hlcs (LWW converges).

    (``owners`` is the server's bookkeeping for the conflict log and may depend on arrival order.)"""
    writes = [({"note": values[i], "minutes": i}, format_hlc(T0 + (i % 3), i, f"c{i % 2}")) for i in range(6)]
    reference = None
    state = None
    for i in order:
        state = merge_upsert(state, *writes[i]).state
    for i in range(6):
        reference = merge_upsert(reference, *writes[i]).state
    strip = lambda st_: {k: v for k, v in st_.items() if k != "owners"}  # noqa: E731
    assert strip(state) == strip(reference)
    deleted = merge_delete(state, format_hlc(T0, 0, "c0")).state
    assert deleted["deleted"] and merge_upsert(deleted, {"note": "q"}, format_hlc(T0 + 99, 0, "c1")).status == "rejected"


def test_fields_written_together_compact_to_one_hlc():
    h = format_hlc(T0, 0, "ann")
    assert compact_hlcs({"kind": h, "minutes": h, "note": h}) == (h, {})
    assert compact_hlcs({}) == (None, {})


def test_compact_hlcs_keeps_the_most_shared_hlc_and_lists_the_rest():
    created, edited = format_hlc(T0, 0, "ann"), format_hlc(T0 + 5, 0, "bob")
    assert compact_hlcs({"kind": created, "minutes": edited, "note": created}) == (created, {"minutes": edited})
    # a tie goes to the later hlc, so the answer never depends on field order
    assert compact_hlcs({"a": created, "b": edited}) == (edited, {"a": created})
    assert compact_hlcs({"b": edited, "a": created}) == (edited, {"a": created})


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=5), st.builds(format_hlc, millis, counters, client_ids), max_size=8))
def test_expand_hlcs_inverts_compact_hlcs(hlcs):
    hlc, exceptions = compact_hlcs(hlcs)
    assert expand_hlcs(hlcs.keys(), hlc, exceptions) == hlcs
    values = list(hlcs.values())
    assert all(values.count(hlc) >= values.count(other) for other in values)
