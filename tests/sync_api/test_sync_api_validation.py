"""The capacity entry fast path agrees with the marshmallow schema it short-cuts.

In every example one of two things is checked against the schema itself:

* the fast path accepts: the schema accepts too, with the same cleaned fields;
* the fast path declines: the schema refuses the fields, or it cleans them into something other than
  what was sent (an ISO date in another form, say ``20261120``). That is the one reason a fast path,
  which hands plainly valid fields back as they are, may leave valid fields to the schema; declining
  anything else is a fast path that quietly stopped being fast, and fails here.
"""

from __future__ import annotations

from datetime import date, timedelta

import marshmallow as ma
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.capacity.collections import plainly_valid_entry
from server.capacity.schemas import CapacityEntryFieldsSchema
from server.core import clock

SCHEMA = CapacityEntryFieldsSchema()
NOW = "2026-11-20T12:00:00Z"  # entries may fall on 2026-11-21 at the latest (tomorrow in London)
TODAY = date(2026, 11, 20)

texts = st.one_of(
    st.none(), st.text(max_size=90), st.text(min_size=79, max_size=82), st.text(min_size=499, max_size=502),
    st.sampled_from(["", " ", "\t", "ok", "bell\x07", "nul\x00", "\ud800", "  padded  ", "Waiting", "é ✓ 名前"]),
    st.integers(), st.booleans(), st.lists(st.text(max_size=3), max_size=2),
)
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
near_days = st.integers(-3, 3).map(lambda n: (TODAY + timedelta(days=n)).isoformat())
other_forms = near_days.map(lambda day: day.replace("-", ""))  # ISO 8601's basic form: valid, but rewritten
values = {
    "kind": st.one_of(st.sampled_from(["time_lost", "meeting", "admin", "Meeting", "", "nap"]), st.integers(), st.none()),
    "minutes": st.one_of(st.integers(-5, 1500), st.sampled_from([1, 1440, 0, 1441, 15.0, 15.5, "15", True, False, None])),
    "occurred_on": st.one_of(days, near_days, other_forms, st.sampled_from(
        ["2026-02-30", "2026-13-01", "2026-1-5", "2026-W47-5", "2026-11-20T00:00", "２０２６-１１-２０", "", None]),
        st.integers()),
    "category": texts,
    "note": texts,
    "colour": st.just("blue"),
    "team_id": st.just("t"),
}
plain_values = {  # mostly valid values, so that accepted entries are common too
    "kind": st.sampled_from(["time_lost", "meeting", "admin"]),
    "minutes": st.integers(1, 1440),
    "occurred_on": st.one_of(near_days, other_forms),
    "category": st.one_of(st.none(), st.sampled_from(["Waiting", "é ✓ 名前", "x" * 80])),
    "note": st.one_of(st.none(), st.text(min_size=1, max_size=20).filter(str.strip)),
}


@st.composite
def field_sets(draw):
    pool = draw(st.sampled_from([values, plain_values]))
    names = draw(st.sets(st.sampled_from(sorted(pool)), max_size=len(pool)))
    return {name: draw(pool[name]) for name in names}


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "_source", clock.FrozenClock(NOW))


def schema_result(fields: dict, creating: bool) -> dict | None:
    """What the schema makes of ``fields``: the cleaned fields, or None if it refuses them."""
    try:
        return SCHEMA.load(fields, partial=not creating)
    except ma.ValidationError:
        return None


def check_fast_path(fast_path, fields: dict, creating: bool) -> None:
    fast, slow = fast_path(fields, creating), schema_result(fields, creating)
    if fast is not None:
        assert fast == slow, "the fast path accepted what the schema refuses or cleans differently"
    else:
        assert slow is None or slow != fields, "the fast path declined fields the schema takes as they are"


@settings(max_examples=1500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(field_sets(), st.booleans())
def test_the_fast_path_takes_what_the_schema_takes_as_it_is_and_nothing_else(frozen, fields, creating):
    check_fast_path(plainly_valid_entry, fields, creating)


def test_the_fast_path_takes_ordinary_entries(frozen):
    entry = {"kind": "time_lost", "minutes": 15, "occurred_on": "2026-11-21", "category": "Searching for equipment",
             "note": "hoist"}
    assert plainly_valid_entry(entry, True) == entry
    assert plainly_valid_entry({"minutes": 20}, False) == {"minutes": 20}
    assert plainly_valid_entry({"minutes": 20}, True) is None


def test_the_property_fails_for_a_fast_path_that_is_too_careful_or_too_lax(frozen):
    entry = {"kind": "meeting", "minutes": 30, "occurred_on": "2026-11-20", "note": "handover"}
    with pytest.raises(AssertionError, match="declined fields the schema takes"):
        check_fast_path(lambda fields, creating: None, entry, True)  # declines everything
    with pytest.raises(AssertionError, match="accepted what the schema refuses"):
        check_fast_path(lambda fields, creating: dict(fields), {**entry, "minutes": 0}, True)  # takes anything
    with pytest.raises(AssertionError, match="accepted what the schema refuses"):
        check_fast_path(lambda fields, creating: dict(fields), {**entry, "occurred_on": "20261120"}, True)
    check_fast_path(lambda fields, creating: None, {**entry, "occurred_on": "20261120"}, True)  # rewritten: fine
