"""Sync engine tests: pure Python, in memory. Helpers live in ``sync_testkit.py``."""
from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
for p in (str(_HERE), str(_HERE.parents[1])):
    if p not in sys.path:
        sys.path.insert(0, p)

import pytest  # noqa: E402
from sync_testkit import FakeClock, make_engine  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def engine(clock):
    return make_engine(clock)
