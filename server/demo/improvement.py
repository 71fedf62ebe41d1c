"""The demo teams' huddle history: 16 weeks of huddles at each team's day and time (two missed),
notes at each step, ideas moving across the board with their PDSA cycles, and actions (some overdue).

Everything is written through the sync engine by the team's lead, huddle by huddle, each huddle's
changes stamped with the moment it was held (``write_as_server(written_at=...)``), so the history
reads as it would have happened: an idea moved to "testing" at the third huddle moved then.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Callable

from server.core import clock
from server.core.weeks import current_week_start, last_weeks
from server.organisations.models import WEEKDAYS, Team

WEEKS = 16
MISSED = (5, 11)  # weeks without a huddle (a bank holiday, a ward under pressure)

# (title, PICK quadrant, huddle it was raised at, [(huddle, new status)], PDSA cycles [(started at, decided at, act)])
IDEAS = [
    ("Hoist parked by bay 4", "implement", 0, [(1, "prioritised"), (2, "testing"), (5, "adopted")], [(2, 5, "adopt")]),
    ("Text reminders the day before appointments", "implement", 1, [(2, "prioritised"), (4, "testing"), (8, "adopted")],
     [(4, 6, "adapt"), (6, 8, "adopt")]),
    ("Handover templates on the shared drive", "challenge", 2, [(3, "prioritised"), (6, "testing"), (9, "abandoned")],
     [(6, 9, "abandon")]),
    ("Equipment sign-out sheet", "possible", 3, [(4, "testing"), (7, "adopted")], [(4, 7, "adopt")]),
    ("Stock top-up list on the store door", "possible", 4, [(5, "prioritised"), (11, "testing")], [(11, None, None)]),
    ("Protected time for rota planning", "challenge", 7, [(9, "parked")], []),
    ("A 10-minute catch-up instead of the Tuesday meeting", "implement", 8, [(9, "prioritised"), (12, "testing")],
     [(12, None, None)]),
    ("Share a photo of the board with night staff", "possible", 10, [(12, "prioritised")], []),
    ("Ask IT to fix the label printer", "kill", 11, [], []),
    ("A visual cue for patients going home today", "implement", 12, [], []),
]

# (title, huddle it was agreed at, due after days, huddle it was done at or None)
ACTIONS = [
    ("Order a second set of slings", 1, 7, 2),
    ("Share the hoist results with the night shift", 5, 7, 6),
    ("Book estates to move the shelving", 4, 14, None),
    ("Ask finance for agency spend by ward", 8, 10, None),
    ("Write up the equipment sign-out sheet", 7, 7, 8),
    ("Check the text reminder wording with patients", 11, 7, None),
    ("Invite the service manager to next month's huddle", 12, 7, None),
]

NOTES = {
    "data": ["Time lost searching for equipment is down again.", "Patients seen steady; no new signals.",
             "Falls: one this week, within the usual range.", "DNA rate still falling since the reminders."],
    "tests_of_change": ["The hoist trial saved about 15 minutes a shift.", "Reminder texts went to 42 patients."],
    "celebrations": ["Thank you to the night staff for keeping the store tidy.", "A lovely card from a family."],
    "ideas": ["Could we try the same list for the dressings cupboard?", "Night staff suggest a second hoist."],
    "actions": ["Slings ordered; estates still to confirm the shelving.", "Rota planning session booked."],
    "barriers": ["Two vacancies on the rota: escalated to the service manager.", "Label printer still broken."],
    "questions": ["Can finance join us next month?", "Who updates the board while Fiona is on leave?"],
}


def seed_improvement(team: Team, lead, write: Callable[..., None], team_key: str, demo_id: Callable[..., str]) -> None:
    """Write ``team``'s huddle history as ``lead`` through ``write(user, mutations, written_at)``."""
    rng = random.Random(f"{team_key}/huddles")
    today = clock.today()
    weekday = WEEKDAYS.index(team.huddle_day or "tuesday")
    hour, minute = (int(p) for p in (team.huddle_time or "14:00").split(":"))
    held: list[tuple[str, date, datetime]] = []
    for n, monday in enumerate(last_weeks(WEEKS, current_week_start())):
        day = monday + timedelta(days=weekday)
        if n in MISSED or day > today:
            continue
        at = clock.london_midnight(day).replace(hour=hour, minute=minute)  # London wall time that day
        held.append((demo_id(team_key, "huddle", day.isoformat()), day, at))

    def upsert(collection: str, key: tuple, **fields) -> dict:
        return {"collection": collection, "record_id": demo_id(team_key, collection, *key), "op": "upsert",
                "fields": fields}

    for h, (huddle_id, day, at) in enumerate(held):
        batch = [upsert("huddles", (day.isoformat(),), team_id=team.id, held_on=day.isoformat(),
                        attendee_count=rng.randint(6, 14), manager_present=h % 4 == 0,
                        finance_present=h % 8 == 3, facilitator_user_id=lead.id, duration_minutes=15)]
        for i, step in enumerate(rng.sample(list(NOTES), k=rng.randint(3, 5))):
            batch.append(upsert("huddle_notes", (day.isoformat(), str(i)), team_id=team.id, huddle_id=huddle_id,
                                step=step, text=rng.choice(NOTES[step])))
        for title, pick, raised, moves, cycles in IDEAS:
            if raised == h:
                batch.append(upsert("ideas", (title,), team_id=team.id, title=title, pick=pick, status="new",
                                    huddle_id=huddle_id, raised_on=day.isoformat()))
            for when, status in moves:
                if when == h:
                    batch.append(upsert("ideas", (title,), status=status))
            for c, (started, decided, act) in enumerate(cycles):
                if started == h:
                    batch.append(upsert("pdsa_cycles", (title, str(c)), team_id=team.id, idea_id=demo_id(team_key, "ideas", title),
                                        started_on=day.isoformat(), plan=f"Try “{title.lower()}” for a week; we predict "
                                        "it saves 10 minutes a shift."))
                if decided == h:
                    batch.append(upsert("pdsa_cycles", (title, str(c)), act=act,
                                        do="Tried on most shifts; staff kept a tally.",
                                        study="It saved 5 to 15 minutes a shift." if act != "abandon"
                                        else "It saved no time and added a step."))
        for title, agreed, due, done in ACTIONS:
            if agreed == h:
                batch.append(upsert("actions", (title,), team_id=team.id, title=title, owner_user_id=lead.id,
                                    due_on=(day + timedelta(days=due)).isoformat(), huddle_id=huddle_id))
            if done == h:
                batch.append(upsert("actions", (title,), status="done"))
        write(lead, batch, written_at=at)
