"""Milestones: the Value Management ladder, each step detected from a team's synced data in the
transaction that completes it (or confirmed by its coach where data cannot show it), and told to the
team's coaches and leads through ``server.notifications``."""

from flask import Flask


def register(app: Flask) -> None:
    from server.extensions import api
    from server.milestones import detection, routes

    api.register_blueprint(routes.blp)
    detection.register(app)
