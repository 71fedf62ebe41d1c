from flask import Response, g, stream_with_context
from flask_smorest import Blueprint

from server.audit import operations
from server.audit.schemas import AuditPageQuerySchema, AuditPageSchema, AuditQuerySchema
from server.core.errors import forbidden

# Read only: there is no route that changes or deletes an event (and the database refuses it too).
blp = Blueprint("audit", __name__, url_prefix="/api", description="The audit log (administrators)")


def _require_admin() -> None:
    # The caller is on ``g`` (server.accounts.auth); its role is all this needs, and reading it here
    # keeps this package free of the access rules' layer, which records events through it.
    session = getattr(g, "session", None)
    if session is None or session.principal.role != "admin":
        raise forbidden("Only an administrator can read the audit log.")


@blp.get("/audit")
@blp.arguments(AuditPageQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
def list_events(args):
    """Administrative changes and security events, newest first, a page at a time."""
    _require_admin()
    limit = args.pop("limit")
    page = operations.events(**args, limit=limit)
    return {"events": page, "next_before_id": page[-1].id if len(page) == limit else None}


@blp.get("/audit.csv")
@blp.arguments(AuditQuerySchema, location="query")
@blp.doc(responses={"200": {"description": "Every matching event, newest first", "content": {
    "text/csv": {"schema": {"type": "string", "format": "binary"}}}}})
def export_events(args):
    """The same events as ``/api/audit`` (every page) as a CSV file."""
    _require_admin()
    return Response(stream_with_context(operations.events_csv(**args)), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'})
