"""Where features plug into sync: one call per synced collection, made from the feature's package.

A feature (capacity and measures today; huddles, ideas and actions later) owns a ``collections.py``
with a ``register(app)`` function that calls :func:`register_collection` for each collection it
syncs; the feature package's own ``register(app)`` calls it (after ``sync_api``'s, which builds the
engine). Neither the engine (``sync/``) nor the store (:mod:`server.sync_api.store`) changes when a
collection is added::

    # server/measures/collections.py
    def register(app):
        register_collection(app, Collection("measures",
                                            validate=marshmallow_validator(MeasureFieldsSchema(), check=...),
                                            can_create=team_rule(Access.can_edit_measures), ...),
                            projector=project_measures, record_id_max_length=36)

* ``collection``: a :class:`sync.Collection` (validator, immutable fields, permission policies);
  validators come from :mod:`server.sync_api.validation`, policies from :mod:`server.sync_api.permissions`.
* ``projector``: optional ``projector(connection, records)`` keeping a typed read table in step.
  The store calls it inside the push transaction, after writing the records, with every
  :class:`sync.StoredRecord` of that collection the push changed (live or tombstone). It must
  use only ``connection`` (SQLAlchemy Core, or :class:`server.sync_api.driver.Bulk` for many rows),
  never commit, and be idempotent for unchanged rows. It may return records of read-only collections
  it derived (``capacity_weekly_totals`` from entries): the engine stamps them in the same push.
  If it accepts a keyword ``created``, it also gets the ids of the records this push creates
  (``frozenset``): they did not exist before, so no read-table row can exist for them yet.
* ``record_id_max_length``: record ids longer than this are rejected (``validation_error``);
  use it when the read table's primary key is shorter than the engine's 128 characters.

A feature that reacts to what others sync (milestones) calls :func:`register_push_observer`: the
store calls ``observer(records)`` once per push, inside its transaction after every projector ran,
with the records the push changed by collection; like a projector it uses the same connection
(``db.session``) and never commits, so what it writes commits or rolls back with the push.

Registration is per app (each ``create_app`` builds its own engine), so tests can build as many
apps as they like.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import sqlalchemy as sa
from flask import Flask, current_app

from sync import Collection, StoredRecord, SyncEngine

Projector = Callable[[sa.Connection, Sequence[StoredRecord]], "Sequence[StoredRecord] | None"]
PushObserver = Callable[[Mapping[str, Sequence[StoredRecord]]], None]

EXTENSION = "valueboard_sync"


@dataclass
class SyncSetup:
    """Everything sync needs for one app: the engine, and what features registered with it."""

    engine: SyncEngine
    projectors: dict[str, Projector] = field(default_factory=dict)
    record_id_limits: dict[str, int] = field(default_factory=dict)
    observers: list[PushObserver] = field(default_factory=list)
    window_fields: dict[str, str] = field(default_factory=dict)  # windowed collection -> its window field


def sync_setup(app: Flask | None = None) -> SyncSetup:
    return (app or current_app).extensions[EXTENSION]


def register_collection(
    app: Flask, collection: Collection, *, projector: Projector | None = None, record_id_max_length: int = 128
) -> Collection:
    setup = sync_setup(app)
    setup.engine.register(collection)
    setup.record_id_limits[collection.name] = record_id_max_length
    if collection.window is not None:
        setup.window_fields[collection.name] = collection.window.field
    if projector is not None:
        setup.projectors[collection.name] = projector
    return collection


def register_projector(app: Flask, collection_name: str, projector: Projector) -> None:
    """Add (or replace) the projector of an already registered collection."""
    setup = sync_setup(app)
    if collection_name not in setup.engine.collections:
        raise ValueError(f"collection {collection_name!r} is not registered")
    setup.projectors[collection_name] = projector


def register_push_observer(app: Flask, observer: PushObserver) -> None:
    sync_setup(app).observers.append(observer)
