"""Shared learning across boards: adopted changes and case studies a team shares, with a lead's
consent per item, to a library every team and coach searches; a team copies a shared change into its
own ideas to test it ("adopt and adapt")."""

from flask import Flask


def register(app: Flask) -> None:
    from server.extensions import api
    from server.learning import routes

    api.register_blueprint(routes.blp)
