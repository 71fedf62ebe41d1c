"""The weekly 15-minute huddle at the board: who came, and what was said at each step of the agenda."""

from flask import Flask


def register(app: Flask) -> None:
    """The ``huddles`` and ``huddle_notes`` synced collections."""
    from server.huddles import collections

    collections.register(app)
