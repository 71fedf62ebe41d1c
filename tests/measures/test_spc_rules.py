"""Hand-computed checks of each SPC rule in domain.md ("Charts and signals"), one behaviour a test."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

from server.measures import spc
from server.measures.spc import analyse

# mean 134/12 = 11.1667; moving ranges 2,1,2,4,2,1,2,1,2,1,2 -> mean 20/11 = 1.8182;
# limits 11.1667 +/- 4.8364 = 6.3303 .. 16.0030; band from 11.1667 +/- 3.2236 = 7.9430 .. 14.3903.
B = [10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10]
B11 = [10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 10, 10]  # mean and median exactly 11


def special(result, rule=None):
    return [p["index"] for p in result["points"] if (rule in p["rules"] if rule else p["special"])]


def signals(result):
    return {p["index"]: p["signal"] for p in result["points"] if p["special"]}


# --- centre line and limits ---------------------------------------------------------------------

def test_limits_are_mean_plus_or_minus_2_66_mean_moving_ranges():
    phase = analyse([10, 20, 15])["phases"][0]
    # mean 15; moving ranges 10 and 5 -> 7.5; 15 +/- 19.95; band 15 +/- 13.2975
    assert (phase["centre"], phase["mean_moving_range"]) == (15, 7.5)
    assert (phase["upper"], phase["lower"]) == (34.95, -4.95)
    assert (phase["upper_near"], phase["lower_near"]) == (28.2975, 1.7025)


def test_limits_come_from_the_first_12_values_and_then_stay_fixed():
    result = analyse(B + [40, 41, 39])
    phase = result["phases"][0]
    assert phase["centre"] == pytest.approx(134 / 12, abs=1e-6)
    assert phase["upper"] == pytest.approx(134 / 12 + 2.66 * 20 / 11, abs=1e-6)
    assert phase["trial"] is False and phase["baseline_n"] == 12
    assert special(result, "outside_limits") == [12, 13, 14]


def test_fewer_than_12_values_give_trial_limits_recalculated_with_each_value():
    five, six = analyse(B[:5])["phases"][0], analyse(B[:6])["phases"][0]
    assert five["trial"] and six["trial"]
    assert five["centre"] == 11  # (10 + 12 + 11 + 13 + 9) / 5
    assert six["centre"] == 11  # + 11
    assert five["mean_moving_range"] == 2.25  # (2 + 1 + 2 + 4) / 4
    assert six["mean_moving_range"] == 2.2  # (2 + 1 + 2 + 4 + 2) / 5
    assert analyse(B)["phases"][0]["trial"] is False


def test_one_value_has_a_centre_line_but_no_limits_and_no_verdict():
    result = analyse([7])
    assert result["phases"][0]["centre"] == 7
    assert result["phases"][0]["upper"] is None
    assert result["points"][0]["signal"] == "common_cause"
    assert result["variation"] is None and result["assurance"] is None


def test_an_empty_series_says_there_is_no_data():
    result = analyse([], target=5)
    assert result["points"] == [] and result["variation"] is None and result["assurance"] is None
    assert result["summary"] == "XmR chart, Making Data Count rules: no data yet."


def test_a_flat_series_has_zero_width_limits_and_no_signal():
    result = analyse([4] * 14)
    phase = result["phases"][0]
    assert phase["mean_moving_range"] == 0 and phase["upper"] == phase["lower"] == 4
    assert special(result) == []  # on the mean: not outside, not in a run


# --- rule 1: outside the limits ---------------------------------------------------------------

def test_values_beyond_either_limit_are_special_but_a_value_on_the_limit_is_not():
    on_limit = 5 + 2.66 * 10  # the limit of [0, 10], computed the same way
    result = analyse([0, 10, on_limit, math.nextafter(on_limit, math.inf), -100], baseline_points=2)
    assert special(result, "outside_limits") == [3, 4]
    assert signals(result) == {3: "improvement", 4: "concern"}


# --- rule 2: a run of 7 on one side -----------------------------------------------------------

def test_seven_in_a_row_above_the_mean_is_a_shift_and_six_is_not():
    assert special(analyse(B + [12, 13, 12, 13, 12, 13, 12]), "shift") == list(range(12, 19))
    assert special(analyse(B + [12, 13, 12, 13, 12, 13, 10])) == []


def test_a_value_on_the_mean_breaks_a_run():
    # six above 11, then exactly 11, then one more above: runs of 6 and 1
    assert special(analyse(B11 + [12, 13, 12, 13, 12, 13, 11, 12])) == []
    # without the value on the mean it is a run of 7
    assert special(analyse(B11 + [12, 13, 12, 13, 12, 13, 12]), "shift") == list(range(12, 19))


# --- rule 3: a trend of 7 ---------------------------------------------------------------------

def test_seven_values_each_higher_than_the_last_is_a_trend_and_six_is_not():
    assert special(analyse(B + [8, 9, 10, 11, 12, 13, 14]), "trend") == list(range(12, 19))
    assert special(analyse(B + [9, 10, 11, 12, 13, 14, 13])) == []


def test_seven_falling_values_are_a_trend():
    assert special(analyse(B + [14, 13, 12, 11, 10, 9, 8]), "trend") == list(range(12, 19))


def test_equal_neighbours_break_a_trend():
    assert special(analyse(B + [8, 9, 10, 10, 11, 12, 13, 14])) == []


def test_every_point_of_a_trend_takes_the_trend_direction():
    # 8, 9 and 10 sit below the mean but belong to a rising trend: improvement when up is better.
    result = analyse(B + [8, 9, 10, 11, 12, 13, 14], direction="up")
    assert set(signals(result).values()) == {"improvement"}
    assert set(signals(analyse(B + [8, 9, 10, 11, 12, 13, 14], direction="down")).values()) == {"concern"}


# --- rule 4: 2 of 3 close to a limit ----------------------------------------------------------

def test_two_of_three_in_the_band_on_one_side_flags_only_the_band_values():
    result = analyse(B + [15, 11.5, 15.5])  # band starts at 14.39; 11.5 is above the mean only
    assert special(result, "two_of_three") == [12, 14]
    assert signals(result) == {12: "improvement", 14: "improvement"}


def test_two_of_three_needs_all_three_values_on_the_same_side_of_the_mean():
    assert special(analyse(B + [15, 10, 15.5])) == []


def test_two_of_three_does_not_count_a_value_beyond_the_limit():
    result = analyse(B + [15, 17, 11.5])  # 17 is beyond 16.003: rule 1, not the band
    assert special(result) == [13]
    assert result["points"][13]["rules"] == ["outside_limits"]


def test_two_of_three_below_the_mean_is_a_concern_when_up_is_better():
    assert signals(analyse(B + [7, 10, 7.5])) == {12: "concern", 14: "concern"}


# --- direction, variation and assurance -------------------------------------------------------

def test_direction_decides_improvement_or_concern_and_neutral_measures_have_neither():
    below = B + [10, 9, 10, 9, 10, 9]  # B's last value and 6 more below the mean
    assert set(signals(analyse(below, direction="down")).values()) == {"improvement"}
    assert set(signals(analyse(below, direction="up")).values()) == {"concern"}
    assert set(signals(analyse(below, direction="neutral")).values()) == {"neutral"}


def test_variation_is_the_signal_of_the_latest_recorded_value():
    assert analyse(B + [17, 11])["variation"] == "common_cause"
    assert analyse(B + [11, 17])["variation"] == "improvement"
    assert analyse(B + [11, 17, None])["variation"] == "improvement"


@pytest.mark.parametrize(("target", "direction", "expected"), [
    (5, "up", "pass"), (20, "up", "fail"), (20, "down", "pass"), (5, "down", "fail"),
    (12, "up", "hit_and_miss"), (12, "down", "hit_and_miss"), (20, "neutral", None), (None, "up", None),
])
def test_assurance_compares_the_target_with_the_limits(target, direction, expected):
    assert analyse(B, target=target, direction=direction)["assurance"] == expected


def test_a_target_exactly_on_a_limit_is_hit_and_miss():
    upper = analyse(B)["phases"][0]["upper"]
    assert analyse(B, target=upper)["assurance"] == "hit_and_miss"


# --- re-basing and missing weeks ----------------------------------------------------------------

def test_rebasing_recalculates_the_limits_from_the_new_phase():
    after = [20, 22, 21, 19, 21, 22, 20, 21, 23, 20, 21, 22, 40]
    trial = analyse(B + after[:7], rebase_at=[12])["phases"][1]
    assert trial["trial"] is True and trial["centre"] == pytest.approx(145 / 7, abs=1e-6)
    fixed = analyse(B + after, rebase_at=[12])
    assert fixed["phases"][1]["trial"] is False
    assert fixed["phases"][1]["centre"] == 21  # the new phase's first 12: 252 / 12
    assert [p["phase"] for p in fixed["points"]] == [0] * 12 + [1] * 13
    assert special(fixed) == [24]
    assert special(analyse(B + after[:7]), "shift") == list(range(12, 19))  # without the re-base


def test_runs_and_trends_do_not_cross_a_rebase():
    # 4 values above the old mean, then 4 above the new: not a run of 8
    values = [10, 12, 11, 13, 9, 11, 12, 10, 12, 13, 12, 13, 21, 22, 21, 22, 19, 18, 20, 19]
    assert special(analyse(values, rebase_at=[12])) == []
    # a rise of 4 then 4 more after the re-base
    assert special(analyse(B + [8, 9, 10, 11, 12, 13, 14], rebase_at=[16]), "trend") == []


def test_missing_weeks_are_skipped_by_the_maths_and_kept_in_place():
    result = analyse([10, None, 20, float("nan"), 15])
    assert [p["value"] for p in result["points"]] == [10, None, 20, None, 15]
    assert result["phases"][0]["mean_moving_range"] == 7.5  # |20-10| and |15-20|
    assert result["points"][1]["signal"] is None and result["points"][1]["centre"] == 15


def test_the_first_12_recorded_values_make_the_baseline_when_weeks_are_missing():
    values = [None, *B[:6], None, *B[6:], 40]
    assert analyse(values)["phases"][0]["centre"] == pytest.approx(134 / 12, abs=1e-6)


# --- IHI run chart rules --------------------------------------------------------------------------

def test_ihi_centre_is_the_median_and_there_are_no_limits_or_assurance():
    result = analyse([1, 2, 100, 3], rule_set="ihi", target=0)
    assert result["phases"][0]["centre"] == 2.5
    assert result["points"][0]["upper"] is None and result["assurance"] is None
    assert result["rule_set_label"] == "Run chart, IHI rules"


def test_ihi_six_on_one_side_of_the_median_is_a_shift_and_five_is_not():
    assert special(analyse(B11 + [12, 13, 12, 13, 12, 13], rule_set="ihi"), "shift") == list(range(12, 18))
    assert special(analyse(B11 + [12, 13, 12, 13, 12, 10], rule_set="ihi")) == []


def test_ihi_values_on_the_median_neither_count_nor_break_a_shift():
    result = analyse(B11 + [12, 13, 12, 11, 13, 12, 11, 13, 10], rule_set="ihi")
    assert special(result, "shift") == [12, 13, 14, 16, 17, 19]


def test_ihi_five_rising_values_are_a_trend_and_repeats_count_once():
    assert special(analyse(B + [8, 9, 10, 11, 12], rule_set="ihi"), "trend") == [12, 13, 14, 15, 16]
    assert special(analyse(B + [9, 10, 11, 12, 11], rule_set="ihi"), "trend") == []
    assert special(analyse(B + [8, 9, 9, 10, 11, 12], rule_set="ihi"), "trend") == [12, 13, 14, 15, 16, 17]
    assert special(analyse(B + [8, 9, 9, 10, 11], rule_set="ihi"), "trend") == []


def test_ihi_counts_runs_and_judges_them_with_the_runs_table():
    few = analyse([5, 6, 5, 4, 6, 5, 4, 6, 5, 6, 10, 11, 10, 12, 11, 10, 12, 11, 10, 11],
                  rule_set="ihi", baseline_points=20)["phases"][0]
    assert (few["useful_observations"], few["runs"], few["runs_verdict"]) == (20, 2, "too_few")
    many = analyse([1, 3] * 10, rule_set="ihi", baseline_points=20)["phases"][0]
    assert (many["runs"], many["runs_expected_min"], many["runs_expected_max"]) == (20, 6, 16)
    assert many["runs_verdict"] == "too_many"
    # Values on the median are not useful observations: 1 2 3 2 1 ... around median 2.
    on_median = analyse([1, 2, 3, 2] * 5, rule_set="ihi", baseline_points=20)["phases"][0]
    assert (on_median["useful_observations"], on_median["runs"], on_median["runs_verdict"]) == (10, 10, "too_many")
    assert analyse(B[:9], rule_set="ihi")["phases"][0]["runs_verdict"] is None


def test_ihi_astronomical_point_is_beyond_median_plus_or_minus_3_145_median_moving_ranges():
    result = analyse(B + [30, 11], rule_set="ihi")
    phase = result["phases"][0]
    # median of B is 11, median moving range 2: 11 +/- 6.29
    assert (phase["centre"], phase["median_moving_range"], phase["astronomical_upper"]) == (11, 2, 17.29)
    assert special(result, "astronomical") == [12]
    assert special(analyse([5] * 12 + [6], rule_set="ihi")) == []  # median moving range 0: no judgement


# --- contract ---------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [
    {"rule_set": "lifeqi"}, {"direction": "sideways"}, {"baseline_points": 1}, {"rebase_at": [1.5]},
    {"target": float("nan")},
])
def test_bad_options_are_refused(options):
    with pytest.raises(ValueError):
        analyse([1, 2, 3], **options)


def test_decimal_values_from_the_database_count_and_text_is_refused():
    from decimal import Decimal

    result = analyse([Decimal("10"), Decimal("20.5"), None], target=Decimal("15"))
    assert [p["value"] for p in result["points"]] == [10, 20.5, None] and result["target"] == 15
    with pytest.raises(TypeError):
        analyse([1, "2"])


def test_every_result_says_which_rule_set_it_uses():
    assert analyse([1, 2])["summary"].startswith("XmR chart, Making Data Count rules: ")
    assert analyse([1, 2], rule_set="ihi")["summary"].startswith("Run chart, IHI rules: ")


def test_the_module_imports_only_the_standard_library():
    tree = ast.parse(Path(spc.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "math", "collections.abc", "typing"}
