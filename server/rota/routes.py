"""The weekly rota: a team's readers see it, its leads (and admins) set it. An online edit: the rota
is read from the server and kept on the device for offline reading, not synced."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.accounts.auth import current_session
from server.core import clock
from server.core.weeks import week_start
from server.extensions import db
from server.organisations.access import access_for, readable_team_or_404, require
from server.rota import operations
from server.rota.schemas import MyWeekSchema, RotaFieldsSchema, RotaSchema

blp = Blueprint("rota", __name__, url_prefix="/api", description="Who updates the box score, updates the board and runs the huddle each week")


def _view(team, access):
    return {**operations.rota_view(team), "can_edit": access.can_set_rota(team.id)}


@blp.get("/teams/<team_id>/rota")
@blp.response(200, RotaSchema)
def get_rota(team_id):
    """The team's rota: each task's people in turn order, who is on this week (done or not) and the next four."""
    access = access_for(current_session().user)
    team = readable_team_or_404(access, team_id)
    return _view(team, access)


@blp.put("/teams/<team_id>/rota")
@blp.arguments(RotaFieldsSchema)
@blp.response(200, RotaSchema)
def put_rota(fields, team_id):
    """Set the whole rota (the team's leads and admins): the reminder day and time and each task's turns."""
    access = access_for(current_session().user)
    team = readable_team_or_404(access, team_id)
    require(access.can_set_rota(team_id), "Only the team's leads can set its rota.")
    operations.set_rota(team, **fields)
    db.session.commit()
    return _view(team, access)


@blp.get("/rota/mine")
@blp.response(200, MyWeekSchema)
def my_rota():
    """What the caller is on the rota for this week, in the teams they belong to, each done or not."""
    user = current_session().user
    access = access_for(user)
    return {"week_start": week_start(clock.today()), "tasks": operations.my_week(user, access.member_of)}
