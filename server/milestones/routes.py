"""A team's milestones: reached ones in ladder order, and a coach confirming a manual one."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.accounts.auth import current_session
from server.core.errors import ApiError, not_found
from server.extensions import db
from server.milestones import operations
from server.milestones.ladder import BY_CODE
from server.milestones.schemas import MilestoneListSchema, MilestoneSchema
from server.organisations.access import access_for, readable_team_or_404, require

blp = Blueprint("milestones", __name__, url_prefix="/api", description="The milestones each team reached")


@blp.get("/teams/<team_id>/milestones")
@blp.response(200, MilestoneListSchema)
def list_milestones(team_id):
    """The milestones the team reached, in ladder order (members, coaches and admins)."""
    readable_team_or_404(access_for(current_session().user), team_id)
    return {"milestones": operations.milestones_of(team_id)}


@blp.post("/teams/<team_id>/milestones/<code>")
@blp.response(201, MilestoneSchema)
@blp.alt_response(200, schema=MilestoneSchema, description="The team had already reached it")
def confirm_milestone(team_id, code):
    """The team's coach (or an admin) confirms a milestone: 201, or 200 if it was already reached."""
    user = current_session().user
    access = access_for(user)
    readable_team_or_404(access, team_id)
    if code not in BY_CODE:
        raise not_found("milestone")
    require(access.can_coach(team_id), "Only the team's coach or an administrator can confirm a milestone.")
    step = BY_CODE[code]
    if not step.manual and code not in operations.reached_codes([team_id])[team_id]:
        raise ApiError(409, "detected_milestone",
                       f"“{step.label}” is reached from the team's own data ({step.how[0].lower() + step.how[1:]}), "
                       "not confirmed by hand.")
    created = operations.reach(team_id, code, {"confirmed": True}, confirmed_by=user.id)
    db.session.commit()
    found = next(m for m in operations.milestones_of(team_id) if m.code == code)
    return found, 201 if created else 200
