"""Users, passwords, devices and the bearer tokens bound to them."""

from flask import Flask


def register(app: Flask) -> None:
    """Authentication before every request, the sign-in and device endpoints, ``create-admin``."""
    from server.accounts import cli, routes
    from server.accounts.auth import authenticate_request, writes_take_the_lock
    from server.extensions import api

    app.before_request(authenticate_request)
    app.before_request(writes_take_the_lock)
    api.register_blueprint(routes.blp)
    cli.register(app)
