"""Weeks as a team lives them: ISO weeks, Monday to Sunday, in Europe/London.

A week is named by its Monday (a plain ``date``). Capacity entries carry the local calendar day
they happened on (``occurred_on``), so they belong to that day's Monday whatever the clocks did; only
"which week is it now?" needs the time zone, because 23:30 UTC on a summer Sunday is already Monday
00:30 in London. ``pwa/src/lib/dates.js`` does the same in the browser. Capacity, measures and every later feature
name weeks with these functions.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from server.core import clock

WEEK = timedelta(days=7)
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)


def week_start(day: date) -> date:
    """The Monday of the ISO week holding ``day``."""
    if isinstance(day, datetime):  # a datetime is a date too; callers mean its calendar day
        day = day.date()
    return day - timedelta(days=day.weekday())


def local_today(now_utc: datetime | None = None) -> date:
    """Today's date in London at the instant ``now_utc`` (default: now, by :mod:`server.core.clock`)."""
    return clock.today() if now_utc is None else clock.london_day(now_utc)


def current_week_start(now_utc: datetime | None = None) -> date:
    """The Monday of the London week that ``now_utc`` falls in (DST-correct)."""
    return week_start(local_today(now_utc))


def last_weeks(n: int, current: date) -> list[date]:
    """The ``n`` Mondays ending with ``current``'s week, oldest first."""
    if n < 1:
        raise ValueError("n must be at least 1")
    end = week_start(current)
    return [end - WEEK * (n - 1 - i) for i in range(n)]


def weeks_between(first: date, last: date) -> list[date]:
    """Every Monday from ``first``'s week to ``last``'s week, inclusive (empty if first > last)."""
    start, end = week_start(first), week_start(last)
    count = (end - start).days // 7 + 1
    return [start + WEEK * i for i in range(max(count, 0))]


def is_monday(day: date) -> bool:
    return day.weekday() == 0


def parse_week(text: str) -> date:
    """A week as people write it: a Monday ``2026-11-23`` or an ISO week ``2026-W48``.

    Any other date is refused rather than silently moved to its Monday, so a typo cannot land a
    value in the wrong week. Raises ``ValueError`` with a sentence a person can act on.
    """
    text = str(text).strip()
    match = _ISO_WEEK.match(text)
    if match:
        year, week = int(match.group(1)), int(match.group(2))
        try:
            return date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(f"{text} is not a week: {year} has no week {week}.") from None
    try:
        day = date.fromisoformat(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}(T00:00(:00)?)?$", text) else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(f"{text!r} is not a date: use the Monday (YYYY-MM-DD) or an ISO week (YYYY-Www).")
    if not is_monday(day):
        raise ValueError(f"{day.isoformat()} is a {day.strftime('%A')}; weeks are named by their Monday.")
    return day


def iso_week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"
