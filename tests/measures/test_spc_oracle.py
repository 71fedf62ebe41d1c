"""server.measures.spc against two independent implementations: statprocon and abspc (NHS Wales).

Both are test-only dependencies. Where an oracle's convention genuinely differs from domain.md,
the comparison is narrowed to what is comparable, and the reason is given where it happens:

- statprocon rounds its centre line and moving range to 3 decimals before computing limits, so
  its limits are compared to within 0.003, and its rule 1 only away from that rounding margin.
  Its other rules (8 on one side, 3 of 4 beyond the halfway line) are Wheeler's, not Making Data
  Count's: not compared.
- abspc computes limits from every point (no 12-point baseline, no trial limits) with
  3 / 1.128 = 2.6596 instead of 2.66, so it is given each phase's baseline slice and compared to
  within 0.1% of the moving range. Its public rules are shift 8 / trend 6 (NHSRplotthedots'
  older reading); its rule helpers take the run length, so they are called with domain.md's 7,
  on the centre line and limits we computed, phase by phase. Its variation icon reads the latest
  special-cause point rather than the latest point, so variation is not compared; its assurance
  counts a target on a limit as pass/fail, so targets are kept off the limits.
- IHI: statprocon's median XmR chart (median +/- 3.145 x median moving range) is our
  astronomical-point test. abspc's run-chart helpers treat a value on the median as breaking a
  shift and a repeat as breaking a trend, where IHI skips both; removing those values first makes
  the two definitions the same, so that is what we give it. Neither library counts runs against
  the Perla table, so runs are checked by hand in test_spc_rules.py.
"""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from abspc import calculate_control_limits, detect_special_causes, determine_assurance_type
from abspc import spc as abspc_rules
from statprocon import XmR
from statprocon.charts.xmr.base import MEDIAN

from server.measures.spc import analyse

BASELINE = 12


def _random_series(seed: int) -> tuple[list[float | None], list[int]]:
    rng = random.Random(seed)
    n = rng.randint(2, 60)
    level, spread = rng.uniform(5, 100), rng.uniform(0.5, 10)
    xs = [rng.gauss(level, spread) for _ in range(n)]
    kind = seed % 5
    if kind == 1 and n > 16:  # a step change, sometimes re-based
        step = rng.randint(8, n - 6)
        xs[step:] = [x + 3 * spread for x in xs[step:]]
    elif kind == 2:  # a spike
        xs[rng.randrange(n)] += rng.choice([-5, 5]) * spread
    elif kind == 3 and n > 10:  # a drift
        k = rng.randrange(n - 8)
        xs[k:k + 8] = sorted(xs[k:k + 8], reverse=rng.random() < 0.5)
    digits = rng.choice([0, 1])
    values: list[float | None] = [round(x, digits) for x in xs]
    if kind == 4 and n > 5:
        values[rng.randrange(n)] = None
    rebase = [rng.randint(3, n - 2)] if n > 12 and seed % 3 == 0 else []
    return values, rebase


NAMED = {
    "two_points": ([10, 20], []),
    "two_equal_points": ([3, 3], []),
    "short": ([10, 12, 11, 13, 9], []),
    "eleven": ([10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12], []),
    "exactly_12": ([10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10], []),
    "flat": ([5] * 15, []),
    "flat_then_change": ([5] * 12 + [6, 5, 4, 5], []),
    "shift_and_trend": ([10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10, 8, 9, 10, 11, 12, 13, 14, 14, 15], []),
    "two_of_three": ([10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10, 15, 11.5, 15.5, 7, 10, 7.5], []),
    "rebased_trial": ([10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10, 20, 22, 21, 19, 21, 22, 20], [12]),
    "rebased_fixed": ([10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10]
                      + [20, 22, 21, 19, 21, 22, 20, 21, 23, 20, 21, 22, 30, 21, 20], [12]),
    "rebased_twice": ([10, 12, 11, 13, 9, 11, 12, 10, 11, 13, 12, 10, 20, 22, 21, 19, 21, 22, 20, 21, 23,
                       20, 21, 22, 21, 15, 14, 16, 17, 15], [12, 25]),
    "missing": ([10, None, 12, 11, 13, None, 9, 11, 12, 10, 11, 13, 12, 10, None, 17, None], []),
}
SERIES = {**NAMED, **{f"random_{seed}": _random_series(seed) for seed in range(60)}}


def _phases(result):
    """(phase, recorded points) for each phase holding at least 2 values."""
    for phase in result["phases"]:
        points = [p for p in result["points"][phase["start"]:phase["end"] + 1] if p["value"] is not None]
        if len(points) >= 2:
            yield phase, points


def _flags(points, rule):
    return [rule in p["rules"] for p in points]


@pytest.mark.parametrize("name", SERIES)
def test_xmr_limits_match_statprocon(name):
    values, rebase = SERIES[name]
    for phase, points in _phases(analyse(values, rebase_at=rebase)):
        xs = [p["value"] for p in points]
        chart = XmR(xs, subset_end_index=BASELINE)
        assert float(chart.x_central_line()[0]) == pytest.approx(phase["centre"], abs=5e-4)
        assert float(chart.upper_natural_process_limit()[0]) == pytest.approx(phase["upper"], abs=3e-3)
        assert float(chart.lower_natural_process_limit()[0]) == pytest.approx(phase["lower"], abs=3e-3)
        # Rule 1 on statprocon's own (3-decimal) limits: compared only away from the rounding margin.
        theirs = chart.rule_1_x_indices_beyond_limits()
        upper, lower = phase["upper"], phase["lower"]
        for point, flagged in zip(points, theirs):
            if min(abs(point["value"] - upper), abs(point["value"] - lower)) > 0.01:
                assert ("outside_limits" in point["rules"]) == flagged, (name, point["index"])


@pytest.mark.parametrize("name", SERIES)
def test_xmr_limits_match_abspc_on_the_baseline(name):
    values, rebase = SERIES[name]
    for phase, points in _phases(analyse(values, rebase_at=rebase)):
        baseline = pd.DataFrame({"value": [p["value"] for p in points][:BASELINE]})
        theirs = calculate_control_limits(baseline, "XmR").iloc[0]
        tolerance = 1e-3 * phase["mean_moving_range"] + 1e-6
        assert theirs["mean"] == pytest.approx(phase["centre"], abs=1e-6)
        for ours, col in (("upper", "ucl"), ("lower", "lcl"), ("upper_near", "uwl"), ("lower_near", "lwl")):
            assert theirs[col] == pytest.approx(phase[ours], abs=tolerance), col


def _frame(points) -> pd.DataFrame:
    return pd.DataFrame({
        "value": [p["value"] for p in points], "mean": [p["centre"] for p in points],
        "ucl": [p["upper"] for p in points], "lcl": [p["lower"] for p in points],
        "uwl": [p["upper_near"] for p in points], "lwl": [p["lower_near"] for p in points],
    })


@pytest.mark.parametrize("name", SERIES)
def test_mdc_rules_match_abspc_on_the_same_lines(name):
    values, rebase = SERIES[name]
    result = analyse(values, rebase_at=rebase)
    flagged_any = False
    for _, points in _phases(result):
        frame = _frame(points)
        theirs = detect_special_causes(frame)
        x, mean = frame["value"].to_numpy(float), frame["mean"].to_numpy(float)
        assert _flags(points, "outside_limits") == list(theirs["rule1"]), "rule 1"
        assert _flags(points, "two_of_three") == list(theirs["rule4"]), "2 of 3"
        assert _flags(points, "shift") == list(abspc_rules._rule2_shift(x, mean, run_length=7)), "shift of 7"
        assert _flags(points, "trend") == list(abspc_rules._rule3_trend(x, run_length=7)), "trend of 7"
        # Its public, longer shift (8) can only flag what our 7 flags; its shorter trend (6) at least ours.
        assert not any(t and not o for t, o in zip(theirs["rule2"], _flags(points, "shift")))
        assert not any(o and not t for t, o in zip(theirs["rule3"], _flags(points, "trend")))
        flagged_any |= any(p["special"] for p in points)
    if name in {"shift_and_trend", "two_of_three", "flat_then_change", "rebased_fixed"}:
        assert flagged_any, "the comparison must cover series that do signal"


def _has_limits_with_width(name):
    values, rebase = SERIES[name]
    phase = analyse(values, rebase_at=rebase)["phases"][-1]
    return phase["upper"] is not None and phase["upper"] != phase["lower"]


# Series without limits of any width leave nothing to compare a target against.
@pytest.mark.parametrize("name", [n for n in SERIES if (not n.startswith("random_") or int(n[7:]) % 4 == 0)
                                  and _has_limits_with_width(n)])
@pytest.mark.parametrize("direction", ["up", "down"])
def test_assurance_matches_abspc(name, direction):
    values, rebase = SERIES[name]
    phase = analyse(values, rebase_at=rebase)["phases"][-1]
    frame = pd.DataFrame({"ucl": [phase["upper"]], "lcl": [phase["lower"]]})
    for target in (phase["lower"] - 1, phase["centre"], phase["upper"] + 1):
        ours = analyse(values, rebase_at=rebase, target=target, direction=direction)["assurance"]
        theirs = determine_assurance_type(frame, target, "high" if direction == "up" else "low")
        assert ours == {"hit_or_miss": "hit_and_miss"}.get(theirs, theirs)


@pytest.mark.parametrize("name", SERIES)
def test_ihi_median_and_astronomical_points_match_statprocon(name):
    values, rebase = SERIES[name]
    for phase, points in _phases(analyse(values, rule_set="ihi", rebase_at=rebase)):
        chart = XmR([p["value"] for p in points], x_central_line_uses=MEDIAN, subset_end_index=BASELINE)
        assert float(chart.x_central_line()[0]) == pytest.approx(phase["centre"], abs=5e-4)
        assert float(chart.mr_central_line()[0]) == pytest.approx(phase["median_moving_range"], abs=5e-4)
        assert float(chart.upper_natural_process_limit()[0]) == pytest.approx(phase["astronomical_upper"], abs=3e-3)
        if phase["median_moving_range"] == 0:
            continue  # we make no judgement when half the moving ranges are 0; statprocon flags any change
        upper, lower = phase["astronomical_upper"], phase["astronomical_lower"]
        theirs = chart.rule_1_x_indices_beyond_limits(Decimal(str(upper)), Decimal(str(lower)))
        assert _flags(points, "astronomical") == theirs


@pytest.mark.parametrize("name", SERIES)
def test_ihi_shift_and_trend_match_abspc_once_skipped_values_are_removed(name):
    values, rebase = SERIES[name]
    for phase, points in _phases(analyse(values, rule_set="ihi", rebase_at=rebase)):
        # Shift: IHI skips values on the median; drop them and abspc's rule is the same rule.
        off = [p for p in points if p["value"] != phase["centre"]]
        x = np.array([p["value"] for p in off], float)
        theirs = abspc_rules._rule2_shift(x, np.full(len(x), phase["centre"]), run_length=6)
        assert [p["index"] for p in points if "shift" in p["rules"]] == [p["index"] for p, t in zip(off, theirs) if t]
        # Trend: IHI counts a repeated value once; collapse repeats, then spread flags back over them.
        groups: list[list[dict]] = []
        for p in points:
            if groups and groups[-1][0]["value"] == p["value"]:
                groups[-1].append(p)
            else:
                groups.append([p])
        theirs = abspc_rules._rule3_trend(np.array([g[0]["value"] for g in groups], float), run_length=5)
        expected = [p["index"] for g, t in zip(groups, theirs) if t for p in g]
        assert [p["index"] for p in points if "trend" in p["rules"]] == expected


def test_the_oracle_series_cover_short_flat_rebased_and_signalling_cases():
    results = {name: analyse(v, rebase_at=r) for name, (v, r) in SERIES.items()}
    assert any(r["phases"][-1]["trial"] for r in results.values())
    assert any(len(r["phases"]) > 1 for r in results.values())
    assert sum(any(p["special"] for p in r["points"]) for r in results.values()) >= 20
    assert any(p["rules"] == ["two_of_three"] for r in results.values() for p in r["points"])
    assert any("trend" in p["rules"] for r in results.values() for p in r["points"])
