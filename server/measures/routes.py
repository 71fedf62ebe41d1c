"""The box score: read it, export it, import weekly values into it."""

from __future__ import annotations

import re

from flask import Response
from flask_smorest import Blueprint
from flask_smorest.fields import Upload

from server.accounts.auth import current_session
from server.core.errors import ApiError
from server.core.schemas import Schema
from server.extensions import db
from server.measures import io as box_io
from server.measures import operations
from server.measures.boxscore import box_score
from server.measures.schemas import BoxScoreQuerySchema, BoxScoreSchema, ExportQuerySchema, ImportQuerySchema, ImportResultSchema
from server.organisations.access import access_for, readable_team_or_404, require

blp = Blueprint("measures", __name__, url_prefix="/api", description="Box score measures and weekly values")

MAX_IMPORT_BYTES = 1024 * 1024
# write_as_server commits every 500 mutations; one batch is what keeps an import all-or-nothing.
MAX_IMPORT_CHANGES = 500


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "A CSV or .xlsx file, at most 1 MiB."})


def _binary(content_type: str) -> dict:
    return {"responses": {"200": {"description": "The file", "content": {content_type: {"schema": {
        "type": "string", "format": "binary"}}}}}}


def _filename(team, score, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", team.name.lower()).strip("-") or "team"
    return f"boxscore-{slug}-{score['weeks'][-1]}.{extension}"


@blp.get("/teams/<team_id>/boxscore")
@blp.arguments(BoxScoreQuerySchema, location="query")
@blp.response(200, BoxScoreSchema)
def get_box_score(args, team_id):
    """The team's box score: every active measure by group, its weekly series, this and last week, and
    its chart analysis (spc over the whole history; points trimmed to the weeks shown)."""
    team = readable_team_or_404(access_for(current_session().user), team_id)
    return box_score(team, args["weeks"])


@blp.get("/teams/<team_id>/boxscore.csv")
@blp.arguments(ExportQuerySchema, location="query")
@blp.doc(**_binary("text/csv"))
def export_box_score_csv(args, team_id):
    team = readable_team_or_404(access_for(current_session().user), team_id)
    score = box_score(team, args["weeks"])
    return Response(box_io.export_csv(score), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(team, score, "csv")}"'})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.get("/teams/<team_id>/boxscore.xlsx")
@blp.arguments(ExportQuerySchema, location="query")
@blp.doc(**_binary(XLSX))
def export_box_score_xlsx(args, team_id):
    team = readable_team_or_404(access_for(current_session().user), team_id)
    score = box_score(team, args["weeks"])
    return Response(box_io.export_xlsx(score, team), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(team, score, "xlsx")}"'})


@blp.post("/teams/<team_id>/measure-values/import")
@blp.arguments(ImportQuerySchema, location="query")
@blp.arguments(ImportFileSchema, location="files")
@blp.response(200, ImportResultSchema)
def import_measure_values(args, files, team_id):
    """Preview (default) or commit weekly values from a CSV or .xlsx file; see ``server/measures/io.py``
    for the layouts and limits. A commit writes every new or changed value through the sync engine in
    one transaction, and writes nothing if any row is bad (422 with every row and its reason). A file
    over a limit is 413 or 422 ``import_too_large`` before it is read further."""
    session = current_session()
    access = access_for(session.user)
    team = readable_team_or_404(access, team_id)
    require(access.can_edit_measures(team.id), "Only the team's leads and coaches can import values.")
    upload = files["file"]
    content = upload.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise ApiError(413, "payload_too_large", "The file is larger than 1 MiB.")
    try:
        plan = box_io.plan_import(team, box_io.read_table(upload.filename or "", content))
    except box_io.ImportFileError as exc:
        raise ApiError(422, "invalid_file", str(exc), fields={"file": [str(exc)]}) from None
    body = {"committed": False, "layout": plan.layout, "counts": plan.counts(), "rows": plan.rows}
    if not args["commit"]:
        return body
    if plan.errors:
        raise ApiError(422, "import_refused", f"{len(plan.errors)} row(s) are not valid; nothing was imported.",
                       extra={"layout": plan.layout, "counts": plan.counts(), "rows": plan.rows})
    changes = [r for r in plan.rows if r["status"] in ("new", "change")]
    if len(changes) > MAX_IMPORT_CHANGES:
        raise ApiError(422, "too_many_values", f"At most {MAX_IMPORT_CHANGES} new or changed values can be imported "
                       f"at once (this file has {len(changes)}); split it, for example by year.",
                       extra={"layout": plan.layout, "counts": plan.counts()})
    if changes:
        results = operations.write_measure_values(session.user, team.id, changes)
        refused = [r for r in results if r.get("status") == "rejected"]
        if refused:
            db.session.rollback()
            raise ApiError(422, "import_refused", "The sync engine refused some values; nothing was imported.",
                           extra={"results": refused})
    db.session.commit()
    return {**body, "committed": True}
