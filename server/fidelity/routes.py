"""Fidelity: which teams keep all three elements going (admins, board leads, coaches)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_smorest import Blueprint

from server.accounts.auth import current_session
from server.core.errors import forbidden, not_found
from server.extensions import db
from server.core import clock
from server.fidelity.operations import fidelity, team_fidelity
from server.fidelity.period import Period
from server.fidelity.schemas import FidelityQuerySchema, FidelitySchema, TeamFidelityQuerySchema, TeamFidelitySchema
from server.organisations.access import access_for, readable_team_or_404
from server.organisations.models import Board, Team
from server.organisations.queries import active_team_ids

blp = Blueprint("fidelity", __name__, url_prefix="/api", description="Fidelity to the three elements of Value Management")


@blp.get("/fidelity")
@blp.arguments(FidelityQuerySchema, location="query")
@blp.response(200, FidelitySchema)
def get_fidelity(args):
    """Each team's weeks with its box score updated, its board updated and a huddle held, and its
    status, over the ISO weeks the dates touch. Admins see every team (or one board's), a board lead
    their board, a coach the teams they follow."""
    user = current_session().user
    access = access_for(user)
    board_id = args["board_id"]
    teams = sa.select(Team.id, Team.board_id, Team.name).where(Team.id.in_(active_team_ids()))  # not archived
    if board_id is not None:
        if db.session.get(Board, board_id) is None:
            raise not_found("board")
        teams = teams.where(Team.board_id == board_id)
    if access.is_admin:
        pass
    elif access.boards_led:
        if board_id is not None and board_id not in access.boards_led:
            raise forbidden("You can see the fidelity of your own board only.")
        teams = teams.where(Team.board_id.in_(sorted(access.boards_led)))
    elif user.role == "coach":
        teams = teams.where(Team.id.in_(sorted(access.coach_of)))
    else:
        raise forbidden("Fidelity is for coaches, board leads and administrators.")
    return fidelity(teams, Period.touching(args["from_"], args["to"]))


@blp.get("/teams/<team_id>/fidelity")
@blp.arguments(TeamFidelityQuerySchema, location="query")
@blp.response(200, TeamFidelitySchema)
def get_team_fidelity(args, team_id):
    """One team's fidelity week by week, with what Value Management cost it (huddle minutes and the
    box score and board time its leads logged as admin in the "Value Management" category): for
    everyone who reads the team. Without dates, the last 12 weeks up to this one."""
    team = readable_team_or_404(access_for(current_session().user), team_id)
    period = (Period.touching(args["from_"], args["to"]) if args["from_"] is not None
              else Period.last_weeks(12, clock.today()))
    return team_fidelity(team, period)

