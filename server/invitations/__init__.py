"""Invitations: single-use links (7 days) that let a new person choose their password, also used for
an administrator's password reset; e-mailed when ``MAIL_SERVER`` is set."""

from flask import Flask


def register(app: Flask) -> None:
    from server.extensions import api
    from server.invitations import routes

    api.register_blueprint(routes.blp)
