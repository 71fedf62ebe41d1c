"""Hybrid logical clock (HLC) strings that sort as text.

Format: ``YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-<client_id>``

* the first 24 characters are a UTC time to the millisecond (years 1970-9999),
* ``CCCC`` is a 4-digit lowercase hexadecimal counter (0000-ffff),
* ``client_id`` is the device id: 1-64 characters from ``[A-Za-z0-9_.:-]``
  (ASCII only, so Python, JavaScript and SQL "C" collation all order it the same).

Because every part before the client id has a fixed width, comparing two HLC strings
as text is the same as comparing ``(millis, counter, client_id)`` tuples. Two
different devices can never produce the same string, so last-writer-wins never ties.

The clock (:class:`Hlc`) follows Kulkarni et al.'s algorithm:

* ``now()`` (a local event / a send): ``l = max(l, pt)``; the counter resets to 0 when
  the physical time moved forward, otherwise it increments;
* ``receive(remote)`` (merge a timestamp seen from elsewhere): ``l = max(l, remote.l, pt)``
  with the counter rules from the paper.

When the counter would pass ``ffff`` the millisecond rolls forward by one and the
counter restarts at 0, so the clock never stalls and never goes backwards.

``pt`` is the local wall clock corrected by ``offset_ms``: clients set the offset from
the ``server_time`` of every response (see :meth:`Hlc.observe_server_time`).
"""
from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from functools import lru_cache
from typing import Callable, Iterable, Mapping, NamedTuple, Optional

__all__ = [
    "HlcError",
    "HlcTimestamp",
    "Hlc",
    "MAX_COUNTER",
    "parse_hlc",
    "format_hlc",
    "is_valid_hlc",
    "successor",
    "client_of",
    "format_time",
    "parse_time",
    "system_ms",
]

MAX_COUNTER = 0xFFFF
MAX_MILLIS = 253402300799999  # 9999-12-31T23:59:59.999Z

_CLIENT_ID_RE = re.compile(r"[A-Za-z0-9_.:\-]{1,64}\Z")
# no groups: parse_hlc slices the fixed-width fields (capturing them costs a tenth of a parse)
_HLC_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z-[0-9a-f]{4}-[A-Za-z0-9_.:\-]{1,64}\Z")
_TIME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})Z\Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class HlcError(ValueError):
    """A malformed HLC or time string."""


def system_ms() -> int:
    """Milliseconds since the Unix epoch from the system clock."""
    return time.time_ns() // 1_000_000


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _ms_from_parts(parts: tuple[str, ...], text: str) -> int:
    y, mo, d, h, mi, s, ms = (int(p) for p in parts)
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if not (1970 <= y and 1 <= mo <= 12 and 1 <= d <= (29 if mo == 2 and leap else _DAYS_IN_MONTH[mo - 1])
            and h < 24 and mi < 60 and s < 60):
        raise HlcError(f"invalid time in {text!r}")
    return ((_days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms


def format_time(millis: int) -> str:
    """``1764152130123`` -> ``'2025-11-26T10:15:30.123Z'`` (UTC, millisecond precision)."""
    if not isinstance(millis, int) or isinstance(millis, bool) or not 0 <= millis <= MAX_MILLIS:
        raise HlcError(f"time out of range: {millis!r}")
    return _format_time(millis)


@lru_cache(maxsize=1024)
def _format_time(millis: int) -> str:
    seconds, ms = divmod(millis, 1000)
    dt = datetime.fromtimestamp(seconds, tz=timezone.utc)
    return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}.{ms:03d}Z"


def parse_time(text: str) -> int:
    """Parse the canonical ``YYYY-MM-DDTHH:MM:SS.mmmZ`` form into epoch milliseconds."""
    if not isinstance(text, str):
        raise HlcError("time must be a string")
    m = _TIME_RE.match(text)
    if not m:
        raise HlcError(f"not a YYYY-MM-DDTHH:MM:SS.mmmZ time: {text!r}")
    return _ms_from_parts(m.groups(), text)


class HlcTimestamp(NamedTuple):
    """A parsed HLC. Ordering of instances equals ordering of their strings.

    A named tuple rather than an ordered dataclass: a push compares and builds one per mutation,
    and tuple construction and comparison run in C (several times faster)."""

    millis: int
    counter: int
    client_id: str

    def __str__(self) -> str:
        return format_hlc(self.millis, self.counter, self.client_id)


def format_hlc(millis: int, counter: int, client_id: str) -> str:
    if not isinstance(counter, int) or isinstance(counter, bool) or not 0 <= counter <= MAX_COUNTER:
        raise HlcError(f"counter out of range: {counter!r}")
    if not isinstance(client_id, str) or not _CLIENT_ID_RE.match(client_id):
        raise HlcError(f"invalid client id: {client_id!r}")
    return f"{format_time(millis)}-{counter:04x}-{client_id}"


def parse_hlc(text: str) -> HlcTimestamp:
    """Parse an HLC string; raise :class:`HlcError` unless it is exactly canonical."""
    if not isinstance(text, str):
        raise HlcError("hlc must be a string")
    if not _HLC_RE.match(text):
        raise HlcError(f"malformed hlc: {text!r}")
    # Whole hlcs are not cached (a push parses each of its unique hlcs once), their minute is:
    # most hlcs of a push share it.
    second_ms = int(text[17:19] + text[20:23])  # SSmmm
    minute_ms = _minute_ms(text[:16]) if second_ms < 60_000 else None
    if minute_ms is None:
        raise HlcError(f"invalid time in {text!r}")
    # tuple.__new__: the named tuple's own __new__ is Python code, a sixth of a parse
    return _new_tuple(HlcTimestamp, (minute_ms + second_ms, int(text[25:29], 16), text[30:]))


_new_tuple = tuple.__new__


@lru_cache(maxsize=1024)
def _minute_ms(minute: str) -> Optional[int]:
    """``YYYY-MM-DDTHH:MM`` (already matched by a pattern) -> epoch ms; None if the hour or the
    minute is out of range (checked before the date, as the seconds are); HlcError if the date is
    invalid."""
    h, mi = int(minute[11:13]), int(minute[14:16])
    if not (h < 24 and mi < 60):
        return None
    return _day_ms(minute[:10]) + (h * 60 + mi) * 60_000


@lru_cache(maxsize=256)
def _day_ms(day: str) -> int:
    """``YYYY-MM-DD`` (already matched by a pattern) -> epoch ms of its midnight; HlcError if invalid."""
    y, mo, d = int(day[:4]), int(day[5:7]), int(day[8:10])
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if not (1970 <= y and 1 <= mo <= 12 and 1 <= d <= (29 if mo == 2 and leap else _DAYS_IN_MONTH[mo - 1])):
        raise HlcError(f"invalid date {day!r}")
    return _days_from_civil(y, mo, d) * 86_400_000


def client_of(text: str) -> str:
    """The client id of an already validated HLC string (cheap: no parsing)."""
    return text[30:]


def is_valid_hlc(text: object) -> bool:
    try:
        parse_hlc(text)  # type: ignore[arg-type]
    except HlcError:
        return False
    return True


def successor(ts: HlcTimestamp, client_id: str | None = None) -> HlcTimestamp:
    """The smallest timestamp (for ``client_id``) strictly after ``ts``'s time and counter."""
    millis, counter = ts.millis, ts.counter + 1
    if counter > MAX_COUNTER:
        millis, counter = millis + 1, 0
    return HlcTimestamp(millis, counter, client_id if client_id is not None else ts.client_id)


class Hlc:
    """A hybrid logical clock for one node (device or server).

    ``wall_ms`` is the physical clock (epoch ms); ``offset_ms`` corrects it (clients set it
    from the server's ``server_time``). State is ``(millis, counter)``; it never decreases.
    """

    def __init__(
        self,
        client_id: str,
        wall_ms: Callable[[], int] = system_ms,
        *,
        millis: int = 0,
        counter: int = 0,
        offset_ms: int = 0,
    ) -> None:
        if not _CLIENT_ID_RE.match(client_id or ""):
            raise HlcError(f"invalid client id: {client_id!r}")
        self.client_id = client_id
        self.wall_ms = wall_ms
        self.millis = millis
        self.counter = counter
        self.offset_ms = offset_ms

    # -- state -------------------------------------------------------------------------
    def physical(self) -> int:
        return self.wall_ms() + self.offset_ms

    def _emit(self, millis: int, counter: int) -> str:
        if counter > MAX_COUNTER:
            millis, counter = millis + 1, 0
        self.millis, self.counter = millis, counter
        return format_hlc(millis, counter, self.client_id)

    def now(self) -> str:
        """A new timestamp for a local event (e.g. a mutation about to be queued)."""
        pt = self.physical()
        if pt > self.millis:
            return self._emit(pt, 0)
        return self._emit(self.millis, self.counter + 1)

    def receive(self, remote: str) -> str:
        """Merge a timestamp seen elsewhere; returns the new (local) timestamp.

        Afterwards every ``now()`` is greater than ``remote``.
        """
        r = parse_hlc(remote)
        pt = self.physical()
        l_old, c_old = self.millis, self.counter
        millis = max(l_old, r.millis, pt)
        if millis == l_old and millis == r.millis:
            counter = max(c_old, r.counter) + 1
        elif millis == l_old:
            counter = c_old + 1
        elif millis == r.millis:
            counter = r.counter + 1
        else:
            counter = 0
        return self._emit(millis, counter)

    def observe_server_time(self, server_time: str, local_ms: int | None = None) -> int:
        """Correct the physical clock by the offset to the server's clock; returns the offset.

        ``local_ms`` is the (uncorrected) wall time when the response arrived; defaults to now.
        """
        server_ms = parse_time(server_time)
        local = self.wall_ms() if local_ms is None else local_ms
        self.offset_ms = server_ms - local
        return self.offset_ms


# ------------------------------------------------------------------------------------------------
# A record's field hlcs, compactly: how pulls send them and the server stores them
# ------------------------------------------------------------------------------------------------
def compact_hlcs(hlcs: Mapping[str, str]) -> tuple[Optional[str], dict[str, str]]:
    """``(hlc, exceptions)``: the hlc most of the fields share (the latest of those tied; None for
    no fields) and the fields whose hlc differs from it, with their own.

    Most records are written by one mutation, so all their fields share one hlc: sending it once
    rather than per field halves a pull page (an hlc is ~70 characters, a capacity entry's whole
    data ~110). :func:`expand_hlcs` is the inverse."""
    if not hlcs:
        return None, {}
    values = list(hlcs.values())
    first = values[0]
    if values.count(first) == len(values):
        return first, {}
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    base = max(counts, key=lambda value: (counts[value], value))
    return base, {name: value for name, value in hlcs.items() if value != base}


def expand_hlcs(names: Iterable[str], hlc: Optional[str], exceptions: Mapping[str, str]) -> dict[str, str]:
    """Every field's hlc from :func:`compact_hlcs`'s form: ``names`` are the record's fields (a
    pulled record's keys other than the server's ``id``, ``team_id``, ``user_id``, ``created_at``,
    ``updated_at``)."""
    out = {name: exceptions.get(name, hlc) for name in names}
    if None in out.values():
        out = {name: value for name, value in out.items() if value is not None}
    return out
