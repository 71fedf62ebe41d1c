"""Fidelity: how many weeks each team kept its box score, its board and its huddle going."""

from flask import Flask


def register(app: Flask) -> None:
    from server.extensions import api
    from server.fidelity import activity, routes
    from server.sync_api.registry import register_push_observer

    api.register_blueprint(routes.blp)
    register_push_observer(app, activity.on_push)
