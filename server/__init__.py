"""Valueboard's Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import config as config_module
from server.core import clock, compression, headers, request_limits, request_log
from server.core.database import configure_engine, engine_options
from server.extensions import api, db, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None, instance_path=str(config_module.ROOT / "instance"))
    app.config.from_mapping(config_module.from_environment(Path(app.instance_path)))
    app.config.update(
        API_TITLE="Valueboard",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
    )
    if config:
        app.config.update(config)
    request_log.configure_logging(app.config)
    if app.config.get("CLOCK_START"):
        clock.start_at(app.config["CLOCK_START"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    app.json.sort_keys = False

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    api.init_app(app)
    with app.app_context():
        configure_engine(db.engine)

    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    request_log.register(app)  # first: a refused request has an id too, and its line the final status
    request_limits.register(app)
    compression.register(app)
    headers.register(app)
    _register_features(app)
    return app


def _register_features(app: Flask) -> None:
    """Each feature package registers its own blueprints, CLI commands and synced collections with
    one ``register(app)``, which imports its views only when called (importing a feature's models,
    as Alembic and other features do, loads nothing else). Order matters only where stated."""
    from server import (accounts, audit, board, capacity, coaching, demo, fidelity, health, huddles, improvement,
                        invitations, learning, measures, milestones, notifications, organisations, reports, rota,
                        sync_api, web)

    features = (
        health,
        accounts,  # authenticates every request, so first of those with views
        organisations,
        audit,  # the audit log's read endpoints (accounts and organisations record through it)
        invitations,  # makes people (accounts) and their memberships (organisations)
        sync_api,  # the sync engine, before the features that register collections with it
        capacity,
        measures,
        board,
        huddles,
        improvement,  # links to huddles
        notifications,
        milestones,  # watches the pushes of the features above and notifies through notifications
        fidelity,
        coaching,  # the caseload reads fidelity, milestones and the box score
        learning,  # writes adopted ideas through the sync engine
        rota,  # reads fidelity's weeks, tells people through notifications
        reports,  # board and national views: fidelity, milestones, signals, highlights
        web,
        demo,
    )
    for feature in features:
        feature.register(app)
