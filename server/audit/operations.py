"""Writing and reading the audit log. :func:`record` adds to the caller's transaction (never
commits), so an event exists exactly when the change it describes does."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context

from server.audit.models import AuditEvent
from server.core import clock
from server.core.spreadsheet import csv_cell
from server.extensions import db

ACTIONS = (
    "user.created", "user.changed", "user.role_changed", "user.deactivated", "user.reactivated",
    "membership.set", "membership.removed", "coach.assigned", "coach.unassigned",
    "board.created", "board.renamed", "board.archived", "board.unarchived",
    "team.created", "team.changed", "team.archived", "team.unarchived", "board_lead.set", "board_lead.removed",
    "device.revoked", "display.signed_in", "display.signed_out",
    "sign_in.succeeded", "sign_in.failed", "sign_in.blocked", "signed_out",
    "password.changed", "password.reset", "invitation.created", "invitation.accepted",
)

# A detail under one of these names is refused: secrets never reach the log, even by a slip.
_SECRET_WORDS = ("password", "token", "secret")

_CALLER = object()


def _caller() -> tuple[str | None, str | None]:
    """The signed-in caller of this request, if any (``g.session`` is set by authentication; read by
    duck typing so this package needs no feature)."""
    session = getattr(g, "session", None) if has_request_context() else None
    if session is None:
        return None, None
    return session.user_id, session.device_id


def record(action: str, *, target_type: str, target_id: str | None = None, details: dict[str, Any] | None = None,
           actor_id: str | None | object = _CALLER, device_id: str | None | object = _CALLER) -> AuditEvent:
    """Add one event to the current transaction; the actor and device default to the request's caller."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    details = details or {}
    for key in details:
        if any(word in key.lower() for word in _SECRET_WORDS):
            raise ValueError(f"audit details must not carry secrets ({key!r})")
    caller_id, caller_device = _caller()
    event = AuditEvent(
        at=clock.now(), action=action, target_type=target_type, target_id=target_id,
        details=json.loads(json.dumps(details, default=str)),  # plain JSON, the same on both databases
        actor_id=caller_id if actor_id is _CALLER else actor_id,
        device_id=caller_device if device_id is _CALLER else device_id,
    )
    db.session.add(event)
    return event


def _query(*, since: datetime | None, actor_id: str | None, action: str | None) -> sa.Select:
    query = sa.select(AuditEvent)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        # "user." (ending in a dot) asks for a family of actions.
        query = (query.where(AuditEvent.action.startswith(action, autoescape=True)) if action.endswith(".")
                 else query.where(AuditEvent.action == action))
    return query


def events(*, since=None, actor_id=None, action=None, before_id: int | None = None, limit: int = 100) -> list[AuditEvent]:
    """Newest first; ``before_id`` pages on from the last event of the previous page."""
    query = _query(since=since, actor_id=actor_id, action=action)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))


CSV_COLUMNS = ("id", "at", "actor_id", "device_id", "action", "target_type", "target_id", "details")


def events_csv(*, since=None, actor_id=None, action=None) -> Iterator[str]:
    """Every matching event, newest first, as CSV text in chunks (the log may be large: streamed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")  # BOM: Excel then reads it as UTF-8
    writer.writerow(CSV_COLUMNS)
    query = _query(since=since, actor_id=actor_id, action=action).order_by(AuditEvent.id.desc())
    for n, event in enumerate(db.session.scalars(query.execution_options(yield_per=500)), 1):
        writer.writerow([csv_cell(v) for v in (
            event.id, event.at.isoformat().replace("+00:00", "Z"), event.actor_id, event.device_id, event.action,
            event.target_type, event.target_id, json.dumps(event.details, sort_keys=True, ensure_ascii=False))])
        if n % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
