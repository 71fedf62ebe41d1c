"""Board and national views, the fidelity trend and the bi-monthly board report (admins and board leads)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import Response
from flask_smorest import Blueprint

from server.accounts.auth import current_session
from server.core import clock
from server.core.errors import forbidden, not_found
from server.extensions import db
from server.organisations.access import Access, access_for
from server.organisations.models import Board
from server.reports import io as report_io
from server.reports import operations
from server.reports.schemas import (BoardOverviewSchema, BoardReportSchema, NationalOverviewSchema, PeriodQuerySchema,
                                    TrendQuerySchema, TrendSchema)

blp = Blueprint("reports", __name__, url_prefix="/api", description="Board and national views and the board report")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ONLY = "Board and national views are for board leads and administrators."


def _access() -> Access:
    access = access_for(current_session().user)
    if not access.reads_boards():
        raise forbidden(_ONLY)
    return access


def _readable_boards(access: Access) -> list[Board]:
    query = sa.select(Board).where(Board.archived_at.is_(None)).order_by(Board.name)  # archived: not listed
    if not access.is_admin:
        query = query.where(Board.id.in_(sorted(access.boards_led)))
    return list(db.session.scalars(query))


def _board(board_id: str) -> Board:
    access = _access()
    board = db.session.get(Board, board_id)
    if board is None:
        raise not_found("board")
    if not access.can_read_board(board.id):
        raise forbidden("You can see the figures of your own board only.")
    return board


def _dates(args) -> tuple[date, date]:
    if args["from_"] is None:
        return operations.last_two_months(clock.today())
    return args["from_"], args["to"]


def _binary(content_type: str) -> dict:
    return {"responses": {"200": {"description": "The file", "content": {content_type: {"schema": {
        "type": "string", "format": "binary"}}}}}}


@blp.get("/overview")
@blp.arguments(PeriodQuerySchema, location="query")
@blp.response(200, NationalOverviewSchema)
def national_overview(args):
    """One row per board (an admin sees every board, a board lead theirs) and the total: teams doing
    all three, some or none over the ISO weeks the dates touch (as ``GET /api/fidelity``), milestones
    reached and teams with improvement signals in them. Without dates, the last two complete months."""
    return operations.national_overview(_readable_boards(_access()), *_dates(args))


@blp.get("/boards/<board_id>/overview")
@blp.arguments(PeriodQuerySchema, location="query")
@blp.response(200, BoardOverviewSchema)
def board_overview(args, board_id):
    """One row per team of the board (its fidelity, exactly ``GET /api/fidelity``'s), with the
    milestones reached and the improvement signals in the period."""
    return operations.board_figures(_board(board_id), *_dates(args))


@blp.get("/fidelity/trend")
@blp.arguments(TrendQuerySchema, location="query")
@blp.response(200, TrendSchema)
def fidelity_trend(args):
    """The all_three / some / none counts for each of the last 12 complete calendar months, for every
    board the caller reads or for one (``board_id``)."""
    board_id = args["board_id"]
    if board_id is not None:
        boards = [_board(board_id)]
    else:
        boards = _readable_boards(_access())
    return {"board_id": board_id, **operations.trend(boards, clock.today())}


def _report(board_id: str, args) -> dict:
    return operations.board_figures(_board(board_id), *_dates(args), report=True)


@blp.get("/boards/<board_id>/report")
@blp.arguments(PeriodQuerySchema, location="query")
@blp.response(200, BoardReportSchema)
def board_report(args, board_id):
    """The bi-monthly board report: fidelity per team and in total with each team's protected time,
    milestones reached, improvement signals with their charts, and the highlights the teams marked
    "share in report". Without dates, the last two complete calendar months."""
    return _report(board_id, args)


def _filename(report: dict, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", report["board"]["name"].lower()).strip("-") or "board"
    p = report["period"]
    return f"board-report-{slug}-{p['from_'].isoformat()}-to-{p['to'].isoformat()}.{extension}"


@blp.get("/boards/<board_id>/report.csv")
@blp.arguments(PeriodQuerySchema, location="query")
@blp.doc(**_binary("text/csv"))
def board_report_csv(args, board_id):
    report = _report(board_id, args)
    return Response(report_io.export_csv(report), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"'})


@blp.get("/boards/<board_id>/report.xlsx")
@blp.arguments(PeriodQuerySchema, location="query")
@blp.doc(**_binary(XLSX))
def board_report_xlsx(args, board_id):
    report = _report(board_id, args)
    return Response(report_io.export_xlsx(report), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(report, "xlsx")}"'})
