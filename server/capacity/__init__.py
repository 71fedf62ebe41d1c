"""Capacity logging: time lost, meetings and admin, and each team's list of time-lost categories."""

from flask import Flask


def register(app: Flask) -> None:
    """The ``capacity_entries`` and ``time_lost_categories`` synced collections."""
    from server.capacity import collections

    collections.register(app)
