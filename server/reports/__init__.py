"""Board and national views and the bi-monthly board report: fidelity (the pinned rule, computed by
``server/fidelity``), milestones reached, improvement signals and the highlights teams chose, for
admins and board leads."""

from flask import Flask


def register(app: Flask) -> None:
    from server.extensions import api
    from server.reports import routes

    api.register_blueprint(routes.blp)
