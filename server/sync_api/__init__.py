"""The adapter between HTTP/SQL and the pure sync engine in ``sync/`` (named so it never shadows it).

* :mod:`.models` - the engine's rows; :mod:`.store` - :class:`SqlStore`, the engine's storage, on
  :mod:`.driver` (statements run straight on the database driver); :mod:`.encoding` - JSON text;
* :mod:`.engine` - :class:`ServerSyncEngine`; :mod:`.registry` - where features register their synced
  collections and projectors, with validators from :mod:`.validation` and policies from :mod:`.permissions`;
* :mod:`.operations` - actor, push/pull/conflicts, and ``write_as_server`` for server-side writes;
* :mod:`.live` - live updates: "team X changed" pokes to the team's open streams, across processes;
* :mod:`.routes` - ``/api/sync/push``, ``/api/sync/pull``, ``/api/sync/conflicts``, ``/api/sync/events``;
* :mod:`.cli` - ``flask --app server sync-purge``.
"""

from __future__ import annotations

from flask import Flask

#: The largest pull page (``limit``): a first sync asks for pages this big (throughput), later pulls 500.
MAX_PULL_LIMIT = 5000


def register(app: Flask) -> None:
    """Build this app's engine, its endpoints and ``sync-purge``; features then add collections with
    ``registry.register_collection``, so this comes before them.

    Settings: ``SYNC_SKEW_TOLERANCE_MS`` (default 60,000: how far ahead of the server clock an hlc
    may be before it is re-stamped) and ``SYNC_RETENTION_DAYS`` (default 180); live updates:
    ``LIVE_BROKER``, ``LIVE_STREAMS_PER_PROCESS``, ``LIVE_KEEPALIVE_SECONDS``, ``LIVE_STREAM_SECONDS``
    (:class:`server.sync_api.live.LiveSetup`).
    """
    import sqlalchemy as sa

    from server.core import clock
    from server.extensions import api
    from server.sync_api import cli, routes
    from server.sync_api.engine import ServerSyncEngine
    from server.sync_api.live import EXTENSION as LIVE_EXTENSION, LiveSetup
    from server.sync_api.registry import EXTENSION, SyncSetup
    from server.sync_api.store import SqlStore

    projectors: dict = {}
    observers: list = []
    record_id_limits: dict = {}
    window_fields: dict = {}
    live = app.extensions[LIVE_EXTENSION] = LiveSetup(app.config, sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]))
    engine = ServerSyncEngine(
        SqlStore(projectors, live=live.broker, observers=observers, window_fields=window_fields),
        record_id_limits=record_id_limits,
        clock_ms=clock.now_ms,
        skew_tolerance_ms=int(app.config.get("SYNC_SKEW_TOLERANCE_MS", 60_000)),
        retention_days=int(app.config.get("SYNC_RETENTION_DAYS", 180)),
        max_pull_limit=MAX_PULL_LIMIT,
    )
    app.extensions[EXTENSION] = SyncSetup(engine, projectors, record_id_limits, observers, window_fields)
    api.register_blueprint(routes.blp)
    cli.register(app)
