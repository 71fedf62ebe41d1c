"""Notifications: Web Push to the browsers people allowed, and the in-app inbox that keeps the same
events for everyone (also where push cannot reach, such as iOS outside an installed app).

Named so that "push" keeps meaning a sync upload elsewhere in the code."""

from flask import Flask


def register(app: Flask) -> None:
    from server.extensions import api
    from server.notifications import cli, routes

    api.register_blueprint(routes.blp)
    cli.register(app)
    if app.config.get("PUSH_WORKER_IN_PROCESS"):
        from server.notifications.delivery import start_in_process

        app.extensions["push_worker"] = start_in_process(app)
