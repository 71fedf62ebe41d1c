"""Health boards, teams, who belongs to a team, which coaches follow it, and who may do what."""

from flask import Flask


def register(app: Flask) -> None:
    """Boards, teams, members and coaches; ``/api/me`` and ``/api/users``."""
    from server.extensions import api
    from server.organisations import routes

    api.register_blueprint(routes.blp)
