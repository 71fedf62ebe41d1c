"""The Value Management milestone ladder (``../shared/domain.md``), in order, and how each is reached.

``detected``: the server sees it in the team's data (``detection.py``); ``manual``: data cannot show
it, so the team's coach or an admin confirms it (``POST /api/teams/<id>/milestones/<code>``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    code: str
    label: str
    how: str  # what reaching it means, as the coach reads it
    manual: bool = False


LADDER: tuple[Step, ...] = (
    Step("team_started", "Team started", "The team has a coach assigned."),
    Step("vision_agreed", "Vision agreed", "The team agreed its vision statement (confirmed by its coach).", manual=True),
    Step("measures_chosen", "Measures chosen",
         "Measures in all three box score areas (performance, capacity, cost), each area with an aim."),
    Step("baseline_collected", "Baseline collected", "A measure has 12 weekly values."),
    Step("first_box_score", "First complete box score",
         "A week with a value for at least one measure in each of performance, capacity and cost."),
    Step("board_in_use", "Board in use", "The board shows an idea, an action and a pinned measure."),
    Step("first_huddle", "First huddle", "The team recorded its first huddle."),
    Step("four_weekly_huddles", "Four weekly huddles", "Huddles held in four consecutive weeks."),
    Step("first_test_of_change", "First test of change", "A PDSA cycle recorded, or an idea moved to Testing."),
    Step("first_capacity_sample", "First capacity sample", "The team logged its first capacity entry."),
    Step("first_improvement_signal", "First improvement signal",
         "A box score measure's SPC chart shows special cause improvement."),
    Step("manager_attendance", "Monthly manager attendance",
         "A manager was at a huddle in each of three consecutive months."),
    Step("sustaining", "Sustaining", "Measures moved to less frequent monitoring (confirmed by its coach).",
         manual=True),
)
BY_CODE = {step.code: step for step in LADDER}
ORDER = {step.code: i for i, step in enumerate(LADDER)}
