"""A period of whole ISO weeks (Monday to Sunday, Europe/London), as fidelity counts them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from server.core.weeks import week_start


@dataclass(frozen=True)
class Period:
    first: date  # a Monday
    last: date  # a Monday

    @classmethod
    def touching(cls, start: date, end: date) -> "Period":
        return cls(week_start(start), week_start(end))

    @classmethod
    def last_weeks(cls, n: int, today: date) -> "Period":
        """The ``n`` weeks up to and including the one holding ``today``."""
        return cls(week_start(today) - timedelta(weeks=n - 1), week_start(today))

    @property
    def weeks(self) -> int:
        return (self.last - self.first).days // 7 + 1

    @property
    def mondays(self) -> list[date]:
        return [self.first + timedelta(weeks=i) for i in range(self.weeks)]
