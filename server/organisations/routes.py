from flask_smorest import Blueprint

from server.accounts import operations as accounts
from server.accounts.auth import current_session
from server.accounts.routes import device_fields
from server.accounts.schemas import (
    DeviceListSchema,
    DeviceNameSchema,
    LoginResponseSchema,
    UserCreateSchema,
    UserDeviceListSchema,
    UserListSchema,
    UserSchema,
    UserSearchQuerySchema,
    UserUpdateSchema,
)
from server.core.auth import open_before_password_change
from server.core.errors import ApiError, not_found
from server.extensions import db
from server.organisations import operations
from server.organisations.access import access_for, readable_team_or_404, require, require_admin
from server.organisations.queries import displayed_team, person_details, team_people, teams_of
from server.organisations.schemas import (
    BoardLeadSchema,
    BoardListSchema,
    BoardSchema,
    BoardUpdateSchema,
    ListArchivedQuerySchema,
    PersonSchema,
    MemberListSchema,
    MemberSchema,
    MembershipUpdateSchema,
    MeSchema,
    TeamCreateSchema,
    TeamListSchema,
    TeamSchema,
    TeamUpdateSchema,
)

blp = Blueprint("organisations", __name__, url_prefix="/api",
                description="Boards, teams, members and coaches; who you are and the user list")


def _access():
    return access_for(current_session().user)


@blp.get("/me")
@blp.response(200, MeSchema)
@open_before_password_change
def me():
    user = current_session().user
    teams, coached = teams_of(user)
    return {**UserSchema().dump(user), "teams": teams, "coached_teams": coached, "display_of": displayed_team(user)}


@blp.post("/users")
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
def create_user(data):
    require_admin(current_session().user)
    user = accounts.create_user(**data)
    db.session.commit()
    return user


_SEARCH_FIELDS = ("id", "name", "email", "role", "active")


@blp.get("/users")
@blp.arguments(UserSearchQuerySchema, location="query")
@blp.response(200, UserListSchema)
def list_users(args):
    """Find people: ``q`` matches part of the name or email (any case); by name then id, ``limit`` at a
    time (default 50, at most 200), ``next_cursor`` for the next page. Admins, and board leads (who add
    people to their board's teams: they get id, name, email, role and active only, and no board displays;
    only the people of their board, and anyone else by the exact email address as ``q``)."""
    access = _access()
    require(access.can_search_people(), "Only an administrator or a board lead can look people up.")
    users, next_cursor = accounts.search_users(**args, people_only=not access.is_admin,
                                               within=access.people_findable(args.get("q")))
    if not access.is_admin:
        users = [{key: getattr(u, key) for key in _SEARCH_FIELDS} for u in users]
    return {"users": users, "next_cursor": next_cursor}


@blp.get("/users/<user_id>")
@blp.response(200, PersonSchema)
def get_user(user_id):
    """A person's details for the administration screens: the teams they are in and coach (archived ones
    too, marked) and the boards they lead (admins)."""
    require_admin(current_session().user, "Only an administrator can see a person's details.")
    user = accounts.user_or_404(user_id)
    return {**UserSchema().dump(user), **person_details(user)}


@blp.get("/users/<user_id>/devices")
@blp.response(200, UserDeviceListSchema)
def list_user_devices(user_id):
    """Every device a person has signed in on, signed out ones included (admins)."""
    require_admin(current_session().user, "Only an administrator can see another person's devices.")
    user = accounts.user_or_404(user_id)
    return {"devices": [{**device_fields(d), "last_sync_at": None} for d in accounts.devices_of(user)]}


@blp.delete("/users/<user_id>/devices/<device_id>")
@blp.response(204)
def revoke_user_device(user_id, device_id):
    """Sign one of a person's devices out (admins), as ``DELETE /api/devices/<id>``: it wipes its local
    data the next time it connects."""
    caller = current_session().user
    require_admin(caller, "Only an administrator can sign out another person's devices.")
    user = accounts.user_or_404(user_id)
    if device_id not in {d.id for d in accounts.devices_of(user)}:
        raise not_found("device")
    accounts.revoke_device_by_id(caller=caller, device_id=device_id)
    db.session.commit()


@blp.patch("/users/<user_id>")
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
def update_user(changes, user_id):
    """Change a person's name, email or role (a coach who stops being one stops following teams; a board
    lead stops leading their board)."""
    caller = current_session().user
    require_admin(caller, "Only an administrator can change people's details.")
    user = accounts.user_or_404(user_id)
    if user.id == caller.id and changes.get("role", caller.role) != caller.role:
        raise ApiError(422, "cannot_change_own_role", "You cannot change your own role: ask another administrator.")
    operations.update_user(user, changes)
    db.session.commit()
    return user


@blp.post("/users/<user_id>/deactivate")
@blp.response(200, UserSchema)
def deactivate_user(user_id):
    """They can no longer sign in and every device of theirs is signed out (each wipes its data on its
    next contact); their history stays, with their name."""
    caller = current_session().user
    require_admin(caller, "Only an administrator can deactivate people.")
    user = accounts.deactivate_user(accounts.user_or_404(user_id), caller=caller)
    db.session.commit()
    return user


@blp.post("/users/<user_id>/reactivate")
@blp.response(200, UserSchema)
def reactivate_user(user_id):
    """They may sign in again (on each device anew)."""
    require_admin(current_session().user, "Only an administrator can reactivate people.")
    user = accounts.reactivate_user(accounts.user_or_404(user_id))
    db.session.commit()
    return user


@blp.post("/boards")
@blp.arguments(BoardSchema)
@blp.response(201, BoardSchema)
def create_board(data):
    require_admin(current_session().user)
    board = operations.create_board(**data)
    db.session.commit()
    return board


@blp.get("/boards")
@blp.arguments(ListArchivedQuerySchema, location="query")
@blp.response(200, BoardListSchema)
def list_boards(args):
    """The boards in use the caller works in: those of the teams they belong to, coach or display,
    and the board they lead (every board, for an admin). ``archived=true`` lists archived ones too
    (admins)."""
    access = _access()
    if args["archived"]:
        require(access.is_admin, "Only an administrator can list archived boards.")
    return {"boards": operations.list_boards(access.listed_board_ids(), archived=args["archived"])}


@blp.patch("/boards/<board_id>")
@blp.arguments(BoardUpdateSchema)
@blp.response(200, BoardSchema)
def update_board(changes, board_id):
    """Rename a board (admins and its board leads) or archive / unarchive it (admins): an archived
    board's teams keep their history but are no longer listed, synced to new devices or counted."""
    access = _access()
    board = operations.board_or_404(board_id)
    require(access.can_rename_board(board.id), "Only an administrator or the board's board lead can change it.")
    if "archived" in changes:
        require(access.can_archive_board(), "Only an administrator can archive or unarchive a board.")
    operations.update_board(board, changes)
    db.session.commit()
    return board


@blp.post("/teams")
@blp.arguments(TeamCreateSchema)
@blp.response(201, TeamSchema)
def create_team(data):
    require_admin(current_session().user)
    team = operations.create_team(**data)
    db.session.commit()
    return team


@blp.get("/teams")
@blp.arguments(ListArchivedQuerySchema, location="query")
@blp.response(200, TeamListSchema)
def list_teams(args):
    """The teams in use the caller belongs to or coaches (every team, for an admin; the board's, for a
    board lead). ``archived=true`` lists archived teams too (admins and board leads)."""
    access = _access()
    if args["archived"]:
        require(access.can_see_archived(), "Only an administrator or a board lead can list archived teams.")
    return {"teams": operations.list_teams(None if access.is_admin else access.readable | access.board_teams,
                                           archived=args["archived"])}


@blp.get("/teams/<team_id>")
@blp.response(200, TeamSchema)
def get_team(team_id):
    return readable_team_or_404(_access(), team_id)


@blp.patch("/teams/<team_id>")
@blp.arguments(TeamUpdateSchema)
@blp.response(200, TeamSchema)
def update_team(changes, team_id):
    access = _access()
    team = readable_team_or_404(access, team_id)
    require(access.can_manage(team.id), "Only the team's lead or an administrator can change its settings.")
    if "archived" in changes:
        require(access.can_archive_team(team.id), "Only an administrator or the board lead of the team's board can "
                                                  "archive or unarchive a team, not the team's lead.")
    operations.update_team(team, changes)
    db.session.commit()
    return team


@blp.get("/teams/<team_id>/members")
@blp.response(200, MemberListSchema)
def list_members(team_id):
    team = readable_team_or_404(_access(), team_id)
    members, coaches = team_people(team.id)
    return {"members": members, "coaches": coaches}


@blp.put("/teams/<team_id>/members/<user_id>")
@blp.arguments(MembershipUpdateSchema)
@blp.response(200, MemberSchema)
def put_member(data, team_id, user_id):
    access = _access()
    team = readable_team_or_404(access, team_id)
    require(access.can_manage(team.id), "Only the team's lead or an administrator can change its members.")
    membership = operations.set_membership(team, user_id, data["role"],
                                           findable=access.people_findable(data.get("email")))
    db.session.commit()
    user = membership.user
    return {"team_id": team.id, "user_id": user.id, "name": user.name, "email": user.email, "role": membership.role}


@blp.delete("/teams/<team_id>/members/<user_id>")
@blp.response(204)
def delete_member(team_id, user_id):
    access = _access()
    team = readable_team_or_404(access, team_id)
    require(access.can_manage(team.id), "Only the team's lead or an administrator can change its members.")
    operations.remove_membership(team, user_id)
    db.session.commit()


@blp.put("/teams/<team_id>/coaches/<user_id>")
@blp.response(200, MemberSchema)
def put_coach(team_id, user_id):
    access = _access()
    team = readable_team_or_404(access, team_id)
    require_admin(current_session().user)
    assignment = operations.assign_coach(team, user_id)
    db.session.commit()
    coach = assignment.coach
    return {"team_id": team.id, "user_id": coach.id, "name": coach.name, "email": coach.email, "role": "coach"}


@blp.delete("/teams/<team_id>/coaches/<user_id>")
@blp.response(204)
def delete_coach(team_id, user_id):
    access = _access()
    team = readable_team_or_404(access, team_id)
    require_admin(current_session().user)
    operations.unassign_coach(team, user_id)
    db.session.commit()


@blp.put("/boards/<board_id>/leads/<user_id>")
@blp.response(200, BoardLeadSchema)
def put_board_lead(board_id, user_id):
    """Make a user with the board lead role the lead of this board (their one board; admins only)."""
    require_admin(current_session().user)
    lead = operations.assign_board_lead(board_id, user_id)
    db.session.commit()
    return lead


@blp.delete("/boards/<board_id>/leads/<user_id>")
@blp.response(204)
def delete_board_lead(board_id, user_id):
    require_admin(current_session().user)
    operations.unassign_board_lead(board_id, user_id)
    db.session.commit()


def _managed_team(team_id: str, message: str):
    access = _access()
    team = readable_team_or_404(access, team_id)
    require(access.can_manage(team.id), message)
    return team


_DISPLAYS_ARE_FOR_LEADS = "Only the team's lead or an administrator can sign a board display in or out."


@blp.post("/teams/<team_id>/displays")
@blp.arguments(DeviceNameSchema)
@blp.response(201, LoginResponseSchema)
def sign_in_display(data, team_id):
    """Sign in a screen (a ward TV) as the team's board display: it reads the team and writes nothing.
    The answer is a sign-in like ``/auth/login``'s, for the screen to keep."""
    team = _managed_team(team_id, _DISPLAYS_ARE_FOR_LEADS)
    token, device, user = operations.sign_in_display(team, data["device_name"])
    db.session.commit()
    return {"token": token, "device_id": device.id, "user": user}


@blp.get("/teams/<team_id>/displays")
@blp.response(200, DeviceListSchema)
def list_displays(team_id):
    """The team's signed-in board displays."""
    team = _managed_team(team_id, _DISPLAYS_ARE_FOR_LEADS)
    current = current_session().device_id
    return {"devices": [{**device_fields(d), "current": d.id == current} for d in operations.displays_of(team)]}


@blp.delete("/teams/<team_id>/displays/<device_id>")
@blp.response(204)
def sign_out_display(team_id, device_id):
    """Sign a board display out; it wipes its local data the next time it connects."""
    team = _managed_team(team_id, _DISPLAYS_ARE_FOR_LEADS)
    operations.sign_out_display(team, device_id)
    db.session.commit()
