"""Valueboard's Flask application."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import config as config_module
from server.core import clock
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

    _register_features(app)
    return app


def _register_features(app: Flask) -> None:
    from server import sync_api
    from server.accounts import cli as accounts_cli
    from server.accounts.auth import authenticate_request
    from server.accounts.routes import blp as accounts_blp
    from server.capacity import collections as capacity_collections
    from server.core.health import blp as health_blp
    from server.demo import cli as demo_cli
    from server.measures import collections as measures_collections
    from server.measures.routes import blp as measures_blp
    from server.organisations.routes import blp as organisations_blp
    from server.sync_api import cli as sync_cli
    from server.sync_api.routes import blp as sync_blp
    from server.web import bp as web_bp

    app.before_request(authenticate_request)
    for blueprint in (health_blp, accounts_blp, organisations_blp):
        api.register_blueprint(blueprint)
    api.register_blueprint(measures_blp)
    api.register_blueprint(sync_blp)
    app.register_blueprint(web_bp)
    accounts_cli.register(app)
    demo_cli.register(app)
    # Sync: the engine first, then each feature's synced collections.
    sync_api.init_app(app)
    capacity_collections.register(app)
    measures_collections.register(app)
    sync_cli.register(app)
