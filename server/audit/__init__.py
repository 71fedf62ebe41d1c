"""The audit log: an append-only record of every administrative change and security event.

It knows no feature (it stands just above ``server/core`` and the extensions): accounts and
organisations call :func:`server.audit.operations.record` in the transaction of the change itself.
"""

from flask import Flask


def register(app: Flask) -> None:
    from server.audit import routes
    from server.extensions import api

    api.register_blueprint(routes.blp)
