"""The server has one clock (``server/core/clock.py``): nothing else reads the system's, and moving
that one clock moves everything that depends on the date."""

from __future__ import annotations

import ast
from datetime import datetime, timezone
from pathlib import Path

import pytest

from server.core import clock
from tests.conftest import CALENDAR

SERVER = Path(__file__).resolve().parents[1] / "server"
CLOCK = SERVER / "core" / "clock.py"

# Calls that read the system clock, as ``module.function`` (after following ``import ... as``).
CLOCK_READS = {
    "time.time", "time.time_ns", "time.localtime", "time.gmtime", "time.ctime", "time.asctime", "time.strftime",
    "datetime.now", "datetime.utcnow", "datetime.today", "date.today",
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today", "datetime.date.today",
    "sync.hlc.system_ms", "sync.system_ms",
}
# Reading these without arguments means "now" too.
NOW_WITHOUT_ARGUMENTS = {"time.localtime", "time.gmtime", "time.ctime", "time.asctime"}


def clock_reads(source: str) -> list[tuple[int, str]]:
    """Each line of ``source`` that reads the system clock, with what it calls."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for name in node.names:
                aliases[name.asname or name.name.split(".")[0]] = name.name if name.asname else name.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            module = ("." * node.level) + node.module
            for name in node.names:
                aliases[name.asname or name.name] = f"{module}.{name.name}"

    def dotted(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = dotted(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    found = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Call):
            target = dotted(node.func)
        elif isinstance(node, (ast.Attribute, ast.Name)) and isinstance(node.ctx, ast.Load):
            # a reference handed on to be called later, e.g. ``default=datetime.now``, ``clock_ms=system_ms``
            name = dotted(node)
            if name in CLOCK_READS - NOW_WITHOUT_ARGUMENTS - {"time.strftime"}:
                target = name
        if target in CLOCK_READS:
            if target in NOW_WITHOUT_ARGUMENTS and isinstance(node, ast.Call) and node.args:
                continue  # converting a given time, not reading the clock
            if target == "time.strftime" and isinstance(node, ast.Call) and len(node.args) > 1:
                continue
            found.append((node.lineno, target))
    return sorted(set(found))


def test_only_the_clock_module_reads_the_system_clock():
    offenders = [f"{path.relative_to(SERVER.parent)}:{line}: {what}"
                 for path in sorted(SERVER.rglob("*.py")) if path != CLOCK
                 for line, what in clock_reads(path.read_text())]
    assert offenders == []


@pytest.mark.parametrize("source, expected", [
    ("import time\nx = time.time()", [(2, "time.time")]),
    ("from time import time as now\nx = now()", [(2, "time.time")]),
    ("from datetime import datetime\nx = datetime.now(tz)", [(2, "datetime.datetime.now")]),
    ("import datetime as dt\nx = dt.date.today()", [(2, "datetime.date.today")]),
    ("from datetime import datetime\nf(default=datetime.now)", [(2, "datetime.datetime.now")]),
    ("from sync.hlc import system_ms\nEngine(clock_ms=system_ms)", [(2, "sync.hlc.system_ms")]),
    ("import time\nx = time.gmtime(0)", []),
    ("from datetime import datetime\nx = datetime.fromtimestamp(1, tz)", []),
    ("from server.core import clock\nx = clock.now()", []),
])
def test_the_architecture_check_sees_every_way_of_reading_the_clock(source, expected):
    assert clock_reads(source) == expected


# ---- moving the one clock moves the server ---------------------------------------------------
@pytest.fixture
def frozen(monkeypatch):
    def stand(instant: str) -> clock.FrozenClock:
        moment = clock.FrozenClock(instant)
        monkeypatch.setattr(clock, "_source", moment)
        return moment
    return stand


def test_london_days_and_weeks_follow_the_clock_across_a_clock_change(frozen):
    from server.core.weeks import current_week_start

    frozen("2027-03-28T23:30:00Z")  # Sunday 23:30 in UTC, Monday 00:30 in London (BST began that morning)
    assert clock.today().isoformat() == "2027-03-29"
    assert current_week_start().isoformat() == "2027-03-29"
    frozen("2027-10-31T23:30:00Z")  # clocks went back that morning: 23:30 UTC is still Sunday in London
    assert clock.today().isoformat() == "2027-10-31"
    assert current_week_start().isoformat() == "2027-10-25"


def test_tomorrow_for_capacity_entries_moves_with_the_clock_in_either_direction(frozen):
    from server.sync_api.validation import latest_entry_day

    moment = frozen("2031-01-06T09:00:00Z")
    assert latest_entry_day() == "2031-01-07"
    moment.set("2026-12-31T23:59:59Z")  # backwards: the remembered day must not stick
    assert latest_entry_day() == "2027-01-01"
    moment.advance(seconds=1)
    assert latest_entry_day() == "2027-01-02"


def test_a_test_server_clock_starts_where_it_is_told_and_ticks_on(monkeypatch):
    monkeypatch.setattr(clock, "_source", clock._source)  # restored after the test
    clock.start_at("2031-09-15T12:00:00Z")
    first = clock.now()
    assert datetime(2031, 9, 15, 12, tzinfo=timezone.utc) <= first < datetime(2031, 9, 15, 12, 1, tzinfo=timezone.utc)


def test_production_refuses_a_shifted_clock(monkeypatch, tmp_path):
    from server import config

    monkeypatch.setenv("VALUEBOARD_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/d")
    monkeypatch.setenv("VALUEBOARD_CLOCK_START", "2031-01-01T00:00:00Z")
    with pytest.raises(RuntimeError, match="VALUEBOARD_CLOCK_START"):
        config.from_environment(tmp_path)


@pytest.mark.parametrize("name", sorted(CALENDAR))
def test_the_server_reads_each_moment_as_the_shared_calendar_says(name, frozen):
    """The same file is read by pwa/test/moments.test.js: both clocks name the same days."""
    from server.sync_api.validation import latest_entry_day
    from server.core.weeks import current_week_start

    expected = CALENDAR[name]
    frozen(expected["instant"])
    assert (clock.today().isoformat(), current_week_start().isoformat(), latest_entry_day()) == (
        expected["london_today"], expected["week_start"], expected["tomorrow"])
