"""The team's visual management board (not a health board: those are ``organisations.Board``).

Today its settings: the aim the team wrote for each box-score area (``board_settings``, synced).
Which measures the board charts is each measure's own ``on_board``; the vision statement is a team
setting (``organisations.Team``)."""

from flask import Flask


def register(app: Flask) -> None:
    """The ``board_settings`` synced collection."""
    from server.board import collections

    collections.register(app)
