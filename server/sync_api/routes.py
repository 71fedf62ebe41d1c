"""The sync endpoints (docs/sync-protocol.md): thin views over :mod:`server.sync_api.operations`.

Responses are encoded straight from the engine's dicts (flask-smorest passes a ``Response``
through untouched); the response schemas document them. Dumping a 500-record pull page through
marshmallow would cost more than the rest of the request. A pull page's changes arrive already
encoded around the stored JSON (:func:`server.sync_api.encoding.encode_pull`).
"""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from server.accounts.auth import current_session
from server.sync_api import operations
from server.sync_api.encoding import dumps, encode_pull
from server.sync_api.live import events as event_stream, live_setup
from server.sync_api.schemas import (
    ConflictListSchema,
    ConflictsQuerySchema,
    EventsQuerySchema,
    PullQuerySchema,
    PullResponseSchema,
    PushRequestSchema,
    PushResponseSchema,
)

blp = Blueprint("sync_api", __name__, url_prefix="/api/sync",
                description="Offline sync: push, pull, conflicts, live updates")


def _json(body: dict) -> Response:
    return Response(dumps(body), mimetype="application/json")


@blp.post("/push")
@blp.arguments(PushRequestSchema())
@blp.response(200, PushResponseSchema)
def push(body):
    """Send a device's queued mutations; all or nothing, each mutation applied at most once."""
    session = current_session()
    return _json(operations.push(session.principal, session.device_id, body))


@blp.get("/pull")
@blp.arguments(PullQuerySchema(), location="query")
@blp.response(200, PullResponseSchema)
def pull(args):
    """Changes since the cursor in every team the caller may read; page until has_more is false."""
    session = current_session()
    page = operations.pull(session.principal, session.device_id, args["cursor"], args["limit"])
    return Response(encode_pull(page), mimetype="application/json")


@blp.get("/conflicts")
@blp.arguments(ConflictsQuerySchema(), location="query")
@blp.response(200, ConflictListSchema)
def conflicts(args):
    """Values that lost to other values in a team the caller may read, oldest first."""
    session = current_session()
    return _json(operations.conflicts(session.principal, session.device_id, args["team_id"], args.get("since")))


_EVENT_STREAM_DOC = {"responses": {"200": {
    "description": "Server-sent events: `ready` once listening, then `poke` with data "
                   "`{\"team_id\", \"version\"}` after each committed change to a team (pull then), and "
                   "`: keep-alive` comments. No record data. Ends after a few minutes or when the server "
                   "restarts: reconnect with back-off.",
    "content": {"text/event-stream": {"schema": {"type": "string"}}}}}}


@blp.get("/events")
@blp.arguments(EventsQuerySchema(), location="query")
@blp.doc(**_EVENT_STREAM_DOC)
def events(args):
    """Live updates: "team X changed" for the teams the caller reads, to pull at once (docs/sync-protocol.md §11)."""
    session = current_session()
    listener = operations.listen(session.principal, session.device_id, args.get("team_id"))
    # Not stream_with_context: the request's database session ends before the stream starts, so an
    # idle stream holds a thread but never a database connection.
    return Response(event_stream(live_setup(), listener), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
