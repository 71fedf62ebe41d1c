"""Improvement work the huddle produces: ideas, tested in PDSA cycles, and actions."""

from flask import Flask


def register(app: Flask) -> None:
    """The ``ideas``, ``pdsa_cycles`` and ``actions`` synced collections."""
    from server.improvement import collections

    collections.register(app)
