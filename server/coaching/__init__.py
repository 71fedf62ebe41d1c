"""Coaching: notes of the conversations between a coach and a team, and the coach's caseload (every
team they follow, the ones needing help first), built from fidelity, milestones, the box score's
signals and the team's actions."""

from flask import Flask


def register(app: Flask) -> None:
    from server.coaching import routes
    from server.extensions import api

    api.register_blueprint(routes.blp)
