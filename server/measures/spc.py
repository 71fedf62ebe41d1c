"""Statistical process control for box score measures.

`analyse()` turns a weekly series into the chart a team reads at its huddle: an XmR chart with
NHS England "Making Data Count" rules (the default) or a run chart with IHI rules. The rules are
the ones in `domain.md`; `pwa/src/lib/spc.js` is a line-for-line port and both are held to the
same vectors in `tests/vectors/spc/`, so keep them in step.

Choices where domain.md is silent, and why:

- Missing weeks (None, NaN) are left out of every calculation and kept as empty positions in the
  output. A week nobody recorded tells us nothing about the process, so it neither breaks nor
  extends a run and the moving range spans the gap (as NHSRplotthedots does after dropping NAs).
  "The first 12 points" therefore means the first 12 recorded values of a phase.
- Trial limits (fewer than `baseline_points` values in a phase) come from every value in the
  phase, so each new week recalculates them; once the phase has `baseline_points` values the
  limits come from those and stay fixed. With a single value there is no moving range: the centre
  line is that value and there are no limits.
- Re-basing starts a new phase at a position; each phase has its own centre line and limits and
  every rule looks only inside its phase, because a pattern measured against two different
  centre lines is not one pattern. Positions outside the series are ignored: a caller may pass
  re-base points from a longer history than the window it asks about.
- "7 in a row each higher than the one before" is 7 points with 6 rises (NHSRplotthedots reads it
  the same way). A trend point takes the trend's direction even when it also fires a rule on the
  other side of the mean; a turning point shared by two trends keeps the trend it ends.
- Variation is the signal of the latest recorded value; there is none (None) until the latest
  phase has 2 values. Each special-cause point also says which way it points (`signal_side`,
  "high" or "low": the H or L of the Making Data Count icons): a trend point by the trend's
  direction (rising is high), any other by its side of the centre line, the same reading that
  decides improvement or concern; `variation_side` is the latest value's. A neutral measure needs
  it most: its purple icon has nothing else to say which way the process moved. Assurance uses
  the latest phase's limits and is strict, like NHSRplotthedots: a target exactly on a limit is
  "hit and miss". A neutral measure has no good side, so no assurance; a run chart has no process
  limits, so no assurance either.
- IHI run charts: the median is frozen after `baseline_points` values, like the XmR limits.
  Points on the median neither count towards nor break a shift, and equal neighbours count once
  in a trend (Perla, Provost & Murray 2011). Too few or too many runs is a property of the whole
  phase, reported on the phase rather than on points. The runs table covers 10-60 useful
  observations; above 60 the limits come from the normal approximation to the runs distribution
  (which reproduces the table's last row). An astronomical point is judged by eye in IHI
  guidance; to make it reproducible we call a point astronomical when it lies outside
  median +/- 3.145 x median moving range (Wheeler's median-based limits, which the outlier itself
  barely moves), and flag none when that moving range is 0 (many repeated values).
- Output numbers are rounded half-up to 6 decimals with floor(x * 1e6 + 0.5) / 1e6, an operation
  JavaScript performs bit-for-bit the same way; sums are plain left-to-right loops for the same
  reason (Python 3.12's sum() compensates, JavaScript's loops do not).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, Literal

RuleSet = Literal["mdc", "ihi"]
Direction = Literal["up", "down", "neutral"]

RULE_SET_LABELS: dict[str, str] = {
    "mdc": "XmR chart, Making Data Count rules",
    "ihi": "Run chart, IHI rules",
}
DIRECTIONS = ("up", "down", "neutral")

LIMIT_FACTOR = 2.66  # mean +/- 2.66 x mean moving range: the process limits
NEAR_FACTOR = 1.773  # mean +/- 1.773 x mean moving range: start of the close-to-limit band
MEDIAN_LIMIT_FACTOR = 3.145  # median +/- 3.145 x median moving range: astronomical points
MDC_SHIFT, MDC_TREND = 7, 7
IHI_SHIFT, IHI_TREND = 6, 5

# Perla, Provost & Murray (2011), table 1: useful observations -> (fewest, most) runs expected.
RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12),
    16: (5, 13), 17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16),
    22: (7, 17), 23: (7, 17), 24: (8, 18), 25: (8, 18), 26: (9, 19), 27: (10, 19),
    28: (10, 20), 29: (10, 20), 30: (11, 21), 31: (11, 22), 32: (11, 22), 33: (11, 23),
    34: (12, 23), 35: (13, 24), 36: (13, 24), 37: (13, 25), 38: (14, 26), 39: (14, 26),
    40: (15, 27), 41: (15, 27), 42: (16, 28), 43: (16, 28), 44: (17, 29), 45: (17, 30),
    46: (17, 30), 47: (18, 31), 48: (18, 31), 49: (19, 32), 50: (19, 32), 51: (20, 33),
    52: (20, 33), 53: (21, 34), 54: (21, 35), 55: (22, 35), 56: (22, 36), 57: (23, 36),
    58: (23, 37), 59: (24, 38), 60: (24, 38),
}


def analyse(
    values: Sequence[float | None],
    *,
    direction: Direction = "up",
    target: float | None = None,
    rule_set: RuleSet = "mdc",
    rebase_at: Iterable[int] = (),
    baseline_points: int = 12,
) -> dict[str, Any]:
    """Analyse a weekly series (oldest first) and return a JSON-ready chart description."""
    if rule_set not in RULE_SET_LABELS:
        raise ValueError(f"rule_set must be one of {sorted(RULE_SET_LABELS)}")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    if isinstance(baseline_points, bool) or not isinstance(baseline_points, int) or baseline_points < 2:
        raise ValueError("baseline_points must be an integer of at least 2")
    if target is not None and not _present(target):
        raise ValueError("target must be a finite number or None")
    target = None if target is None else float(target)

    rebase_at = list(rebase_at)
    if any(isinstance(k, bool) or not isinstance(k, int) for k in rebase_at):
        raise ValueError("rebase_at must contain integer positions")

    n = len(values)
    starts = sorted({0, *(k for k in rebase_at if 0 < k < n)})
    bounds = list(zip(starts, [*starts[1:], n]))
    points: list[dict[str, Any]] = []
    phases: list[dict[str, Any]] = []
    for phase_no, (start, stop) in enumerate(bounds):
        positions = [i for i in range(start, stop) if _present(values[i])]
        xs = [float(values[i]) for i in positions]  # type: ignore[arg-type]
        if rule_set == "mdc":
            phase, lines, rules, sides, trend_dirs = _mdc_phase(xs, baseline_points)
        else:
            phase, lines, rules, sides, trend_dirs = _ihi_phase(xs, baseline_points)
        phases.append({"start": start, "end": stop - 1, **phase})
        found = dict(zip(positions, range(len(xs))))
        for i in range(start, stop):
            point: dict[str, Any] = {"index": i, "value": None, "phase": phase_no, **lines,
                                     "rules": [], "special": False, "signal": None,
                                     "signal_side": None}
            if i in found:
                k = found[i]
                moved = _moved(rules[k], sides[k], trend_dirs[k])
                point.update(value=_round(xs[k]), rules=rules[k], special=bool(rules[k]),
                             signal=_signal(rules[k], moved, direction),
                             signal_side=None if moved == 0 else "high" if moved > 0 else "low")
            points.append(point)

    latest = next((p for p in reversed(points) if p["value"] is not None), None)
    variation = variation_side = None
    if latest is not None and phases[latest["phase"]]["n"] >= 2:
        variation, variation_side = latest["signal"], latest["signal_side"]
    assurance = _assurance(phases[-1], target, direction) if rule_set == "mdc" and phases else None
    return {
        "rule_set": rule_set,
        "rule_set_label": RULE_SET_LABELS[rule_set],
        "direction": direction,
        "target": _round(target),
        "baseline_points": baseline_points,
        "points": points,
        "phases": phases,
        "variation": variation,
        "variation_side": variation_side,
        "assurance": assurance,
        "special_count": sum(1 for p in points if p["special"]),
        "summary": _summary(rule_set, points, phases, variation, variation_side, assurance, baseline_points),
    }


def _mdc_phase(xs: list[float], baseline_points: int):
    base = xs[:baseline_points]
    centre = _mean(base) if base else None
    amr = _mean(_moving_ranges(base)) if len(base) >= 2 else None
    upper = lower = upper_near = lower_near = None
    if centre is not None and amr is not None:
        upper, lower = centre + LIMIT_FACTOR * amr, centre - LIMIT_FACTOR * amr
        upper_near, lower_near = centre + NEAR_FACTOR * amr, centre - NEAR_FACTOR * amr
    lines = {"centre": _round(centre), "upper": _round(upper), "lower": _round(lower),
             "upper_near": _round(upper_near), "lower_near": _round(lower_near)}
    phase = {"n": len(xs), "baseline_n": len(base), "trial": len(xs) < baseline_points,
             **lines, "mean_moving_range": _round(amr)}

    sides = [_sign(x - centre) for x in xs] if centre is not None else []
    outside = [upper is not None and (x > upper or x < lower) for x in xs]
    in_band = [upper is not None and not out and (x > upper_near or x < lower_near)
               for x, out in zip(xs, outside)]
    shift = _flag_runs(sides, MDC_SHIFT, skip_on_centre=False)
    trend_dirs = _trend_directions(xs, MDC_TREND, merge_ties=False)
    two_of_three = _two_of_three(in_band, sides)
    rules = [
        [name for name, fired in (("outside_limits", outside[k]), ("shift", shift[k]),
                                  ("trend", trend_dirs[k] != 0), ("two_of_three", two_of_three[k]))
         if fired]
        for k in range(len(xs))
    ]
    return phase, lines, rules, sides, trend_dirs


def _ihi_phase(xs: list[float], baseline_points: int):
    base = xs[:baseline_points]
    centre = _median(base) if base else None
    mmr = _median(_moving_ranges(base)) if len(base) >= 2 else None
    astro_upper = astro_lower = None
    if centre is not None and mmr is not None:
        astro_upper = centre + MEDIAN_LIMIT_FACTOR * mmr
        astro_lower = centre - MEDIAN_LIMIT_FACTOR * mmr
    lines = {"centre": _round(centre), "upper": None, "lower": None,
             "upper_near": None, "lower_near": None}

    sides = [_sign(x - centre) for x in xs] if centre is not None else []
    useful = [s for s in sides if s != 0]
    runs = (1 + sum(1 for a, b in zip(useful, useful[1:]) if a != b)) if useful else 0
    expected = _runs_limits(len(useful))
    verdict = None
    if expected is not None:
        verdict = "too_few" if runs < expected[0] else "too_many" if runs > expected[1] else "as_expected"
    phase = {"n": len(xs), "baseline_n": len(base), "trial": len(xs) < baseline_points,
             "centre": _round(centre), "median_moving_range": _round(mmr),
             "astronomical_upper": _round(astro_upper), "astronomical_lower": _round(astro_lower),
             "useful_observations": len(useful), "runs": runs,
             "runs_expected_min": expected[0] if expected else None,
             "runs_expected_max": expected[1] if expected else None,
             "runs_verdict": verdict}

    astronomical = [bool(mmr) and (x > astro_upper or x < astro_lower) for x in xs]  # type: ignore[operator]
    shift = _flag_runs(sides, IHI_SHIFT, skip_on_centre=True)
    trend_dirs = _trend_directions(xs, IHI_TREND, merge_ties=True)
    rules = [
        [name for name, fired in (("astronomical", astronomical[k]), ("shift", shift[k]),
                                  ("trend", trend_dirs[k] != 0)) if fired]
        for k in range(len(xs))
    ]
    return phase, lines, rules, sides, trend_dirs


def _flag_runs(sides: list[int], length: int, *, skip_on_centre: bool) -> list[bool]:
    """Flag every point of a run of `length` or more points on one side of the centre line.

    A point on the centre line breaks the run (Making Data Count) or is skipped (IHI).
    """
    flags = [False] * len(sides)
    run: list[int] = []
    for k, side in enumerate(sides):
        if side == 0 and skip_on_centre:
            continue
        if not run or side == 0 or side != sides[run[-1]]:
            if len(run) >= length:
                for j in run:
                    flags[j] = True
            run = [] if side == 0 else [k]
        else:
            run.append(k)
    if len(run) >= length:
        for j in run:
            flags[j] = True
    return flags


def _trend_directions(xs: list[float], length: int, *, merge_ties: bool) -> list[int]:
    """+1 or -1 for each point in a run of `length` or more rising or falling points, else 0.

    Equal neighbours break a trend (Making Data Count) or count once (IHI, merge_ties).
    """
    groups: list[list[int]] = []
    for k, x in enumerate(xs):
        if merge_ties and groups and xs[groups[-1][0]] == x:
            groups[-1].append(k)
        else:
            groups.append([k])
    dirs = [0] * len(xs)

    def mark(first: int, last: int, direction: int) -> None:
        if direction != 0 and last - first + 1 >= length:
            for group in groups[first:last + 1]:
                for k in group:
                    if dirs[k] == 0:
                        dirs[k] = direction

    start, direction = 0, 0
    for g in range(1, len(groups)):
        step = _sign(xs[groups[g][0]] - xs[groups[g - 1][0]])
        if step == 0 or step != direction:
            mark(start, g - 1, direction)
            start, direction = (g - 1, step) if step != 0 else (g, 0)
    mark(start, len(groups) - 1, direction)
    return dirs


def _two_of_three(in_band: list[bool], sides: list[int]) -> list[bool]:
    """Flag band points in any 3 consecutive points on one side with 2 or more in the band."""
    flags = [False] * len(in_band)
    for s in range(len(in_band) - 2):
        window = range(s, s + 3)
        if abs(sides[s] + sides[s + 1] + sides[s + 2]) == 3 and sum(in_band[k] for k in window) >= 2:
            for k in window:
                if in_band[k]:
                    flags[k] = True
    return flags


def _runs_limits(useful: int) -> tuple[int, int] | None:
    if useful < 10:
        return None
    if useful in RUNS_TABLE:
        return RUNS_TABLE[useful]
    mean = useful / 2 + 1
    sd = math.sqrt(useful * (useful - 2) / (4 * (useful - 1)))
    return math.ceil(mean - 1.96 * sd), math.floor(mean + 1.96 * sd)


def _moved(rules: list[str], side: int, trend_dir: int) -> int:
    """Which way a point's signal points: +1 (high), -1 (low), 0 for no signal.

    A trend point moves with its trend, wherever it sits; any other special point by its side of
    the centre line, which is never 0 for it: a point on the centre line can only be in a trend.
    """
    if not rules:
        return 0
    return trend_dir if "trend" in rules else side


def _signal(rules: list[str], moved: int, direction: str) -> str:
    if not rules:
        return "common_cause"
    if direction == "neutral":
        return "neutral"
    return "improvement" if moved == (1 if direction == "up" else -1) else "concern"


def _assurance(phase: dict[str, Any], target: float | None, direction: str) -> str | None:
    upper, lower = phase.get("upper"), phase.get("lower")
    if target is None or direction == "neutral" or upper is None:
        return None
    if lower <= target <= upper:
        return "hit_and_miss"
    target_above = target > upper
    return "fail" if target_above == (direction == "up") else "pass"


VARIATION_TEXT = {
    "improvement": "the latest value shows special cause variation of an improving nature",
    "concern": "the latest value shows special cause variation of a concerning nature",
    "neutral": "the latest value shows special cause variation",
    "common_cause": "the latest value shows common cause variation only",
}
ASSURANCE_TEXT = {
    "pass": "the process is consistently passing the target",
    "fail": "the process is consistently failing the target",
    "hit_and_miss": "the process will hit and miss the target by chance",
}


def _summary(rule_set: str, points: list[dict[str, Any]], phases: list[dict[str, Any]],
             variation: str | None, variation_side: str | None, assurance: str | None,
             baseline_points: int) -> str:
    label = RULE_SET_LABELS[rule_set]
    if not any(p["value"] is not None for p in points):
        return f"{label}: no data yet."
    if variation is None:
        return f"{label}: not enough data yet (at least 2 values since the last re-base are needed)."
    text = f"{label}: {VARIATION_TEXT[variation]}"
    if variation_side is not None:
        text += f" ({variation_side})"
    if assurance is not None:
        text += f"; {ASSURANCE_TEXT[assurance]}"
    text += "."
    special = sum(1 for p in points if p["special"])
    if special:
        text += f" {special} special cause point{'' if special == 1 else 's'} in total."
    last = phases[-1]
    if last["trial"]:
        what = "Limits are trial limits" if rule_set == "mdc" else "The median is provisional"
        text += f" {what} until there are {baseline_points} values."
    if rule_set == "ihi" and last["runs_verdict"] is not None:
        runs, low, high = last["runs"], last["runs_expected_min"], last["runs_expected_max"]
        if last["runs_verdict"] == "as_expected":
            text += f" {runs} runs, within the {low} to {high} expected."
        else:
            few = "few" if last["runs_verdict"] == "too_few" else "many"
            text += f" Too {few} runs ({runs}; {low} to {high} expected): a sign of non-random variation."
    return text


def _present(value: object) -> bool:
    """True for a number, False for a missing week (None or NaN); text is a caller's bug."""
    if value is None:
        return False
    if isinstance(value, (bool, str, bytes)):
        raise TypeError(f"expected a number or None, got {value!r}")
    return math.isfinite(float(value))  # type: ignore[arg-type]  # int, float, Decimal, numpy


def _mean(xs: list[float]) -> float:
    total = 0.0
    for x in xs:
        total += x
    return total / len(xs)


def _median(xs: list[float]) -> float:
    s = sorted(xs)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def _moving_ranges(xs: list[float]) -> list[float]:
    return [abs(b - a) for a, b in zip(xs, xs[1:])]


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _round(x: float | None) -> float | None:
    return None if x is None else math.floor(x * 1e6 + 0.5) / 1e6
