"""The shared SPC vectors: the server's answers, which pwa/test/spc.test.js also demands of the PWA.

Each file in tests/vectors/spc/ holds a series, the options and the full expected analysis. The
cases are defined here; after a deliberate change to the rules, rewrite the files with
`.venv/bin/python tests/measures/test_spc_vectors.py` and review the diff like any other change.
A few expectations are also checked by hand below, so the files cannot drift along with a bug.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so the regenerate entry point runs without an installed package
    sys.path.insert(0, str(ROOT))

from server.measures.spc import analyse  # noqa: E402

VECTORS = ROOT / "tests" / "vectors" / "spc"

# A 12-week baseline: mean 134/12 = 11.1667, mean moving range 20/11 = 1.8182, limits 6.3303 to
# 16.0031, close-to-limit band beyond 7.9430 / 14.3904. It ends below the mean, so a run that
# follows starts fresh.
B = [10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10]
# A baseline whose mean (and median) is exactly 11, so later points can sit on the centre line.
B11 = [10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 10, 10]


def _noise(seed: int, n: int, centre: float, spread: float) -> list[float]:
    rng = random.Random(seed)
    return [round(rng.gauss(centre, spread), 1) for _ in range(n)]


def _case(name: str, description: str, values: list, **options) -> dict:
    return {"name": name, "description": description, "values": values, "options": options}


CASES = [
    _case("empty", "No data at all.", []),
    _case("one_point", "One value: a centre line but no moving range, so no limits.", [5]),
    _case("two_points", "Two values: mean 15, mean moving range 10, limits 15 +/- 26.6 (trial).", [10, 20]),
    _case("short_trial_limits", "Fewer than 12 values: trial limits from all of them.", B[:8]),
    _case("exactly_12", "Exactly 12 values: limits fixed from them, no longer trial.", B),
    _case("long_common_cause", "32 weeks of noise around a stable process.", B + _noise(1, 20, 11.2, 1.2)),
    _case("flat", "All values equal: mean moving range 0, limits on the mean, no signal.", [5] * 15),
    _case("flat_baseline_then_change", "Limits of zero width from a flat baseline: any change is outside.",
          [5] * 12 + [6, 5, 4]),
    _case("shift_of_6_is_no_signal", "6 above the mean then one below: no signal.",
          B + [12, 13, 12, 13, 12, 13, 10]),
    _case("shift_of_7_above", "7 above the mean: a shift, improvement when up is better.",
          B + [12, 13, 12, 13, 12, 13, 12]),
    _case("shift_of_7_below_down_is_better", "The baseline's last value and 6 more below the mean, "
          "down is better: a shift of 7, improvement.", B + [10, 9, 10, 9, 10, 9], direction="down"),
    _case("shift_concern", "The same 7 below the mean when up is better: concern.",
          B + [10, 9, 10, 9, 10, 9], direction="up"),
    _case("shift_neutral", "7 above the mean on a neutral measure: a neutral signal.",
          B + [12, 13, 12, 13, 12, 13, 12], direction="neutral"),
    _case("shift_neutral_low", "7 below the mean on a neutral measure: a neutral signal, low.",
          B + [10, 9, 10, 9, 10, 9], direction="neutral"),
    _case("point_on_mean_breaks_run", "6 above, one on the mean (11), one above: no shift.",
          B11 + [12, 13, 12, 13, 12, 13, 11, 12]),
    _case("trend_of_6_is_no_signal", "6 rising values: no signal.", B + [9, 10, 11, 12, 13, 14, 13]),
    _case("trend_of_7_rising", "7 rising values: a trend; points below the mean still improve.",
          B + [8, 9, 10, 11, 12, 13, 14]),
    _case("trend_of_7_falling_down_is_better", "7 falling values when down is better: improvement.",
          B + [14, 13, 12, 11, 10, 9, 8], direction="down"),
    _case("trend_broken_by_equal_neighbours", "8 values rising but for one repeat: no trend.",
          B + [8, 9, 10, 10, 11, 12, 13, 14]),
    _case("two_of_three_same_side", "15 and 15.5 in the upper band, 11.5 above the mean: both flagged.",
          B + [15, 11.5, 15.5]),
    _case("two_of_three_lower_side", "7 and 7.5 in the lower band, 10 below the mean: concern.",
          B + [7, 10, 7.5]),
    _case("two_of_three_opposite_sides", "Two band points with one below the mean between: no signal.",
          B + [15, 10, 15.5]),
    _case("two_of_three_one_beyond_limit", "One band point and one beyond the limit: rule 1 only.",
          B + [15, 17, 11.5]),
    _case("beyond_limits", "One point above the upper limit, one below the lower.", B + [17, 11, 5]),
    _case("missing_weeks", "Missing weeks are skipped by the maths and kept in place.",
          [10, None, 12, 11, 13, None, 9, 11, 12, 10, 11, 13, 12, 10, None, 17, None]),
    _case("rebase_trial", "Re-based at week 12; the new phase has 7 values, so trial limits.",
          B + [20, 22, 21, 19, 21, 22, 20], rebase_at=[12]),
    _case("without_rebase_same_series", "The series above without the re-base: a shift of 7.",
          B + [20, 22, 21, 19, 21, 22, 20]),
    _case("rebase_fixed_limits", "Re-based at week 12; limits from the new phase's first 12 values.",
          B + [20, 22, 21, 19, 21, 22, 20, 21, 23, 20, 21, 22, 30, 21, 20], rebase_at=[12]),
    _case("rebase_runs_do_not_cross", "4 above the mean before the re-base, 4 above after: no shift.",
          [10, 12, 11, 13, 9, 11, 12, 10, 12, 13, 12, 13, 21, 22, 21, 22, 19, 18, 20, 19],
          rebase_at=[12]),
    _case("rebase_twice_with_missing", "Two re-bases, missing weeks and a re-base on a missing week.",
          B + [None, 20, 22, 21, 19, 21, 22, 20, 21, 23, 20, 21, 22, 21, 15, 14, 16, None, 15],
          rebase_at=[12, 26]),
    _case("rebase_ignores_positions_outside", "Re-base positions outside the series are ignored.",
          B, rebase_at=[0, 12, 40]),
    _case("baseline_points_6", "A 6-point baseline fixes the limits early.",
          [10, 12, 11, 13, 9, 11, 20, 10, 11], baseline_points=6),
    _case("assurance_pass_up", "Target 5 below the lower limit, up is better: consistently passing.",
          B, target=5),
    _case("assurance_fail_up", "Target 20 above the upper limit, up is better: consistently failing.",
          B, target=20),
    _case("assurance_pass_down", "Target 20 above the upper limit, down is better: passing.",
          B, target=20, direction="down"),
    _case("assurance_fail_down", "Target 5 below the lower limit, down is better: failing.",
          B, target=5, direction="down"),
    _case("assurance_hit_and_miss", "Target 12 inside the limits: hit and miss.", B, target=12),
    _case("assurance_neutral", "A neutral measure has no good side: no assurance.",
          B, target=20, direction="neutral"),
    _case("assurance_uses_latest_phase", "Assurance reads the latest phase's limits.",
          B + [20, 22, 21, 19, 21, 22, 20], rebase_at=[12], target=15),
    _case("long_52_weeks", "A year with a step change at week 30 and a spike at week 20.",
          _noise(7, 20, 40, 3) + [58] + _noise(8, 9, 40, 3) + _noise(9, 22, 34, 3), direction="down",
          target=35),
    # IHI run chart rules.
    _case("ihi_empty", "No data.", [], rule_set="ihi"),
    _case("ihi_one_point", "One value.", [5], rule_set="ihi"),
    _case("ihi_short", "Fewer than 10 useful observations: no runs verdict.", B[:8], rule_set="ihi"),
    _case("ihi_shift_of_5_is_no_signal", "5 above the median then below: no signal.",
          B11 + [12, 13, 12, 13, 12, 10], rule_set="ihi"),
    _case("ihi_shift_of_6", "6 above the median: a shift.", B11 + [12, 13, 12, 13, 12, 13], rule_set="ihi"),
    _case("ihi_points_on_median_are_skipped", "Points on the median (11) neither count nor break a shift.",
          B11 + [12, 13, 12, 11, 13, 12, 11, 13, 10], rule_set="ihi"),
    _case("ihi_trend_of_4_is_no_signal", "4 rising values: no signal.", B + [9, 10, 11, 12, 11], rule_set="ihi"),
    _case("ihi_trend_of_5", "5 rising values: a trend.", B + [8, 9, 10, 11, 12], rule_set="ihi"),
    _case("ihi_trend_ties_count_once", "Rising with a repeat: the repeat neither makes nor breaks it.",
          B + [8, 9, 9, 10, 11, 12], rule_set="ihi"),
    _case("ihi_trend_of_4_with_tie_is_no_signal", "4 distinct rising values with a repeat: no trend.",
          B + [8, 9, 9, 10, 11], rule_set="ihi"),
    _case("ihi_too_few_runs", "10 low then 10 high with a 20-point baseline: 2 runs, too few.",
          [5, 6, 5, 4, 6, 5, 4, 6, 5, 6, 10, 11, 10, 12, 11, 10, 12, 11, 10, 11], rule_set="ihi",
          baseline_points=20),
    _case("ihi_too_many_runs", "20 alternating values: 20 runs, too many.", [1, 3] * 10, rule_set="ihi",
          baseline_points=20),
    _case("ihi_runs_as_expected", "A random-looking series: runs within the table.",
          B + [12, 13, 10, 9, 12, 13, 10, 9], rule_set="ihi"),
    _case("ihi_astronomical_point", "A point far outside median +/- 3.145 x median moving range.",
          B + [30], rule_set="ihi", direction="down"),
    _case("ihi_flat", "All on the median: no useful observations, no astronomical point.",
          [5] * 14, rule_set="ihi"),
    _case("ihi_over_60_points", "70 useful observations: runs limits from the normal approximation.",
          _noise(3, 70, 20, 2), rule_set="ihi", baseline_points=70),
    _case("ihi_rebase", "A run chart re-based after a change.",
          B + [20, 22, 21, 19, 21, 22, 20, 23, 21, 22], rule_set="ihi", rebase_at=[12]),
    _case("ihi_missing_weeks", "Missing weeks in a run chart.",
          [10, None, 12, 11, 13, None, 9, 11, 12, 10, 11, 13, 12, 10, None, 17, None], rule_set="ihi"),
]


RUNS_TABLE_FILE = VECTORS / "runs_table.json"


def _runs_table() -> dict[str, list[int] | None]:
    """Expected runs range for 0-80 useful observations, read through analyse() itself: an
    alternating series has no point on the median, so every value is a useful observation."""
    table = {}
    for n in range(81):
        phase = analyse([1, 3] * (n // 2) + [1] * (n % 2), rule_set="ihi", baseline_points=max(n, 2))["phases"][0]
        low, high = phase["runs_expected_min"], phase["runs_expected_max"]
        table[str(n)] = None if low is None else [low, high]
    return table


def _load() -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(VECTORS.glob("*.json")) if path != RUNS_TABLE_FILE]


def _rounded(value):
    """Floats to 6 decimals, recursively: the agreed precision for comparing results."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def test_every_case_has_a_vector_file_and_no_file_is_stale():
    files = {path.stem for path in VECTORS.glob("*.json")}
    assert files == {case["name"] for case in CASES} | {"runs_table"}


def test_runs_table_vector_matches_the_server():
    assert json.loads(RUNS_TABLE_FILE.read_text())["expected"] == _runs_table()


def test_runs_table_rows_from_perla_provost_murray():
    table = json.loads(RUNS_TABLE_FILE.read_text())["expected"]
    assert table["9"] is None  # too few useful observations for the runs test
    assert (table["10"], table["20"], table["30"], table["60"]) == ([3, 9], [6, 16], [11, 21], [24, 38])
    # Beyond the table: mean n/2 + 1 = 36, sd sqrt(70 * 68 / 276) = 4.153, so 36 -/+ 8.14.
    assert table["70"] == [28, 44]


def test_vector_inputs_match_the_cases_defined_here():
    by_name = {vector["name"]: vector for vector in _load()}
    for case in CASES:
        vector = by_name[case["name"]]
        assert (vector["values"], vector["options"]) == (case["values"], case["options"]), case["name"]


@pytest.mark.parametrize("vector", _load(), ids=lambda v: v["name"])
def test_server_analysis_matches_the_shared_vector(vector):
    result = analyse(vector["values"], **vector["options"])
    assert _rounded(result) == _rounded(vector["expected"])


def _vector(name: str) -> dict:
    return json.loads((VECTORS / f"{name}.json").read_text())["expected"]


def test_two_points_vector_holds_the_hand_computed_limits():
    phase = _vector("two_points")["phases"][0]
    # mean (10 + 20) / 2 = 15; one moving range of 10; 15 +/- 2.66 x 10; 15 +/- 1.773 x 10.
    assert (phase["centre"], phase["upper"], phase["lower"]) == (15, 41.6, -11.6)
    assert (phase["upper_near"], phase["lower_near"]) == (32.73, -2.73)
    assert phase["trial"] is True


def test_baseline_vector_holds_the_hand_computed_limits():
    phase = _vector("exactly_12")["phases"][0]
    assert phase["centre"] == pytest.approx(134 / 12, abs=1e-6)
    assert phase["mean_moving_range"] == pytest.approx(20 / 11, abs=1e-6)
    assert phase["upper"] == pytest.approx(134 / 12 + 2.66 * 20 / 11, abs=1e-6)
    assert phase["trial"] is False


def test_shift_vectors_flag_exactly_the_seven_points():
    flagged = [p["index"] for p in _vector("shift_of_7_above")["points"] if "shift" in p["rules"]]
    assert flagged == list(range(12, 19))
    assert not any(p["special"] for p in _vector("shift_of_6_is_no_signal")["points"])


def test_missing_weeks_vector_keeps_positions_and_skips_gaps():
    expected = _vector("missing_weeks")
    assert len(expected["points"]) == 17
    assert [p["index"] for p in expected["points"] if p["value"] is None] == [1, 5, 14, 16]
    # The 12 recorded values before week 15 are B, so the limits are B's.
    assert expected["phases"][0]["centre"] == pytest.approx(134 / 12, abs=1e-6)
    assert expected["points"][15]["rules"] == ["outside_limits"]
    assert expected["variation"] == "improvement"


def test_signal_side_is_the_h_or_l_of_the_icons():
    """High or low: a trend by its direction wherever its points sit, anything else by its side."""
    rising = _vector("trend_of_7_rising")  # 8 to 14: the first points are below the mean
    assert [(p["value"], p["signal_side"]) for p in rising["points"][12:15]] == [(8, "high"), (9, "high"), (10, "high")]
    falling = _vector("trend_of_7_falling_down_is_better")  # 14 to 8: the first points are above it
    assert [(p["signal"], p["signal_side"]) for p in falling["points"][12:14]] == [("improvement", "low")] * 2
    assert (falling["variation"], falling["variation_side"]) == ("improvement", "low")
    assert (_vector("shift_concern")["variation"], _vector("shift_concern")["variation_side"]) == ("concern", "low")
    assert (_vector("shift_neutral")["variation"], _vector("shift_neutral")["variation_side"]) == ("neutral", "high")
    low = _vector("shift_neutral_low")
    assert (low["variation"], low["variation_side"]) == ("neutral", "low")
    assert low["summary"].startswith("XmR chart, Making Data Count rules: the latest value shows special cause variation (low).")
    beyond = _vector("beyond_limits")  # 17 above the upper limit, 5 below the lower
    assert [(p["value"], p["signal_side"]) for p in beyond["points"][12:]] == [(17, "high"), (11, None), (5, "low")]
    # No signal, no side: common cause points and a series too short to judge.
    assert {p["signal_side"] for p in _vector("long_common_cause")["points"] if not p["special"]} == {None}
    assert _vector("one_point")["variation_side"] is None


def test_ihi_too_few_runs_vector_counts_two_runs():
    phase = _vector("ihi_too_few_runs")["phases"][0]
    # Median of all 20 is (6 + 10) / 2 = 8; 10 below then 10 above: 2 runs where 6 to 16 are expected.
    assert (phase["centre"], phase["runs"], phase["runs_expected_min"], phase["runs_expected_max"]) == (8, 2, 6, 16)
    assert phase["runs_verdict"] == "too_few"


def regenerate() -> None:
    VECTORS.mkdir(parents=True, exist_ok=True)
    for stale in VECTORS.glob("*.json"):
        stale.unlink()
    for case in CASES:
        expected = analyse(case["values"], **case["options"])
        vector = {**case, "expected": expected}
        (VECTORS / f"{case['name']}.json").write_text(json.dumps(vector, indent=1) + "\n")
    runs_table = {"name": "runs_table", "description": "Expected runs (fewest, most) by useful "
                  "observations, as reported by analyse() for an alternating series.", "expected": _runs_table()}
    RUNS_TABLE_FILE.write_text(json.dumps(runs_table, indent=1) + "\n")
    print(f"wrote {len(CASES)} vectors and the runs table to {VECTORS}")


if __name__ == "__main__":
    regenerate()
