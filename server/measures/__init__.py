"""Box score measures: definitions, weekly values and their charts."""

from flask import Flask


def register(app: Flask) -> None:
    """The box score endpoints and the ``measures`` and ``measure_values`` synced collections."""
    from server.extensions import api
    from server.measures import collections, routes

    api.register_blueprint(routes.blp)
    collections.register(app)
