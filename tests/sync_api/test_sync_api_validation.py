"""The capacity entry fast path accepts only what the marshmallow schema accepts, and cleans it the same way."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.capacity.collections import plainly_valid_entry
from server.capacity.schemas import CapacityEntryFieldsSchema
from server.core import clock

SCHEMA = CapacityEntryFieldsSchema()

texts = st.one_of(
    st.none(), st.text(max_size=90), st.text(min_size=79, max_size=82), st.text(min_size=499, max_size=502),
    st.sampled_from(["", " ", "\t", "ok", "bell\x07", "nul\x00", "\ud800", "  padded  ", "Waiting", "é ✓ 名前"]),
    st.integers(), st.booleans(), st.lists(st.text(max_size=3), max_size=2),
)
days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat)
near_days = st.integers(-3, 3).map(lambda n: (clock.today() + timedelta(days=n)).isoformat())
values = {
    "kind": st.one_of(st.sampled_from(["time_lost", "meeting", "admin", "Meeting", "", "nap"]), st.integers(), st.none()),
    "minutes": st.one_of(st.integers(-5, 1500), st.sampled_from([1, 1440, 0, 1441, 15.0, 15.5, "15", True, False, None])),
    "occurred_on": st.one_of(days, near_days, st.sampled_from(
        ["2026-02-30", "2026-13-01", "2026-1-5", "20261120", "2026-11-20T00:00", "２０２６-１１-２０", "", None]),
        st.integers()),
    "category": texts,
    "note": texts,
    "colour": st.just("blue"),
    "team_id": st.just("t"),
}


@st.composite
def field_sets(draw):
    names = draw(st.sets(st.sampled_from(sorted(values)), max_size=7))
    return {name: draw(values[name]) for name in names}


@settings(max_examples=1000, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(field_sets(), st.booleans())
def test_the_fast_path_is_a_subset_of_the_schema_with_the_same_result(fields, creating):
    fast = plainly_valid_entry(fields, creating)
    if fast is not None:
        assert fast == SCHEMA.load(fields, partial=not creating)


def test_the_fast_path_takes_ordinary_entries():
    entry = {"kind": "time_lost", "minutes": 15, "occurred_on": clock.today().isoformat(),
             "category": "Searching for equipment", "note": "hoist"}
    assert plainly_valid_entry(entry, True) == entry
    assert plainly_valid_entry({"minutes": 20}, False) == {"minutes": 20}
    assert plainly_valid_entry({"minutes": 20}, True) is None
