"""``GET /api/health``: liveness, which also proves the database answers."""

import sqlalchemy as sa
from flask import Flask
from flask_smorest import Blueprint
from marshmallow import fields

from server.core.auth import public
from server.core.schemas import Schema
from server.extensions import api, db

blp = Blueprint("health", __name__, url_prefix="/api", description="Liveness")


class HealthSchema(Schema):
    status = fields.String(required=True)


@blp.get("/health")
@blp.response(200, HealthSchema)
@public
def health():
    """Also proves the database answers; a failure there becomes a 503 through the error handler."""
    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok"}


def register(app: Flask) -> None:
    api.register_blueprint(blp)
