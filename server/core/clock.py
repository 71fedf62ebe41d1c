"""The server's one clock: every "now" and "today" of the server comes from here.

A week or a day is a Europe/London one (a ward's Monday starts at London midnight, in summer an
hour before UTC's). Nothing else in ``server/`` reads the system clock (``tests/test_clock.py``
fails if anything does), so a test can stand anywhere in time by moving this one clock:

* in-process tests freeze it with :func:`freeze` (the ``clock`` fixture in ``tests/conftest.py``);
* a server started for the browser tests gets ``VALUEBOARD_CLOCK_START`` (refused in production) and
  its clock starts there and ticks on, so hlcs still grow and sessions still age.

Times are plain functions of one source, ``seconds since the epoch``, so a frozen source moves
every reader at once: the sync engine's hlc clock, token ages, "this week" and "tomorrow".
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
START_ENV = "VALUEBOARD_CLOCK_START"

_source: Callable[[], float] = time.time


def timestamp() -> float:
    """Seconds since the epoch."""
    return _source()


def now() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.fromtimestamp(_source(), timezone.utc)


def now_ms() -> int:
    """Now in epoch milliseconds (the sync engine's clock)."""
    return int(_source() * 1000)


def london_now() -> datetime:
    return datetime.fromtimestamp(_source(), LONDON)


def today() -> date:
    """Today's date in London."""
    return london_now().date()


def london_day(instant: datetime) -> date:
    """The London calendar day at ``instant`` (an aware datetime)."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(LONDON).date()


def london_midnight(day: date) -> datetime:
    """The instant a London day begins (00:00 local time, whatever the clocks did that night)."""
    return datetime.combine(day, datetime.min.time(), tzinfo=LONDON)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant (``2027-03-28T00:30:00Z``; without a zone it is UTC) as aware UTC."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class FrozenClock:
    """A clock standing still at one instant until moved (:meth:`set`, :meth:`advance`)."""

    def __init__(self, instant: datetime | str) -> None:
        self.seconds = 0.0
        self.set(instant)

    def set(self, instant: datetime | str) -> datetime:
        value = parse_instant(instant) if isinstance(instant, str) else instant
        if value.tzinfo is None:
            raise ValueError("a frozen clock needs an aware datetime")
        self.seconds = value.timestamp()
        return value.astimezone(timezone.utc)

    def advance(self, **delta: float) -> datetime:
        self.seconds += timedelta(**delta).total_seconds()
        return self.now()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.seconds, timezone.utc)

    def __call__(self) -> float:
        return self.seconds


def freeze(instant: datetime | str) -> FrozenClock:
    """Stop the clock at ``instant`` (tests only; :func:`thaw` restarts it)."""
    global _source
    frozen = FrozenClock(instant)
    _source = frozen
    return frozen


def start_at(instant: datetime | str) -> None:
    """Let the clock run from ``instant`` on, at the real pace (a test server's ``VALUEBOARD_CLOCK_START``)."""
    global _source
    value = parse_instant(instant) if isinstance(instant, str) else instant
    offset = value.timestamp() - time.time()
    _source = lambda: time.time() + offset  # noqa: E731 - the one place the real clock is shifted


def thaw() -> None:
    """Back to the system clock."""
    global _source
    _source = time.time
