"""Writes for boards, teams, memberships and coach assignments. Flush, never commit."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from server.accounts.models import DISPLAY_ROLE, NO_PASSWORD, Device, User
from server.accounts.operations import register_device, revoke_device
from server.audit.operations import record
from server.core import clock
from server.core.errors import ApiError, conflict, not_found, validation_error
from server.extensions import db
from server.organisations.models import Board, BoardLead, CoachAssignment, Membership, Team, TeamDisplay
from server.organisations.queries import active_team_ids


def create_board(*, name: str) -> Board:
    if db.session.scalar(sa.select(Board.id).where(sa.func.lower(Board.name) == name.strip().lower())):
        raise conflict("board_exists", "A board with that name already exists.")
    board = Board(name=name.strip())
    db.session.add(board)
    _flush_or_conflict("board_exists", "A board with that name already exists.")
    record("board.created", target_type="board", target_id=board.id, details={"name": board.name})
    return board


def board_or_404(board_id: str) -> Board:
    board = db.session.get(Board, board_id)
    if board is None:
        raise not_found("board")
    return board


def update_board(board: Board, changes: dict) -> Board:
    """Rename and/or archive (or unarchive) a board: one audit event per kind of change made."""
    name = changes.get("name")
    if name is not None and name.strip() != board.name:
        taken = db.session.scalar(sa.select(Board.id).where(sa.func.lower(Board.name) == name.strip().lower(),
                                                            Board.id != board.id))
        if taken:
            raise conflict("board_exists", "A board with that name already exists.")
        previous, board.name = board.name, name.strip()
        _flush_or_conflict("board_exists", "A board with that name already exists.")
        record("board.renamed", target_type="board", target_id=board.id, details={"from": previous, "to": board.name})
    if "archived" in changes and changes["archived"] != board.archived:
        board.archived_at = clock.now() if changes["archived"] else None
        db.session.flush()
        record("board.archived" if board.archived else "board.unarchived", target_type="board", target_id=board.id,
               details={"name": board.name})
    return board


def create_team(*, board_id: str, name: str, **settings) -> Team:
    if db.session.get(Board, board_id) is None:
        raise validation_error({"board_id": ["No board has this id."]})
    _check_name_free(board_id, name)
    team = Team(board_id=board_id, name=name.strip(), **settings)
    db.session.add(team)
    _flush_or_conflict("team_exists", "This board already has a team with that name.")
    record("team.created", target_type="team", target_id=team.id,
           details={"board_id": board_id, "name": team.name, **settings})
    return team


def update_team(team: Team, changes: dict) -> Team:
    """Settings (and the name) are one ``team.changed`` event; archiving or unarchiving is its own
    ``team.archived`` / ``team.unarchived`` (whoever reads the log looks for those by name)."""
    changes = dict(changes)
    archived = changes.pop("archived", None)
    if "name" in changes and changes["name"].strip() != team.name:
        _check_name_free(team.board_id, changes["name"])
    changed = {}
    for key, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(team, key) != value:
            changed[key] = {"from": getattr(team, key), "to": value}
        setattr(team, key, value)
    _flush_or_conflict("team_exists", "This board already has a team with that name.")
    if changed:
        record("team.changed", target_type="team", target_id=team.id, details={"changes": changed})
    if archived is not None and archived != team.archived:
        team.archived_at = clock.now() if archived else None
        db.session.flush()
        record("team.archived" if archived else "team.unarchived", target_type="team", target_id=team.id,
               details={"board_id": team.board_id, "name": team.name})
    return team


def _flush_or_conflict(code: str, message: str) -> None:
    """The name checks above compare lower-cased names, but SQLite's lower() only folds ASCII and a
    concurrent request can win the race: the unique constraint has the last word."""
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise conflict(code, message) from None


def _check_name_free(board_id: str, name: str) -> None:
    taken = db.session.scalar(
        sa.select(Team.id).where(Team.board_id == board_id, sa.func.lower(Team.name) == name.strip().lower())
    )
    if taken:
        raise conflict("team_exists", "This board already has a team with that name.")


def _user_or_404(user_id: str, findable: sa.ColumnElement[bool] | None = None) -> User:
    """The user, if among ``findable`` (None: anyone); a user the caller may not find is "not found"
    exactly as an unknown id is."""
    query = sa.select(User).where(User.id == user_id)
    user = db.session.scalar(query if findable is None else query.where(findable))
    if user is None:
        raise not_found("user")
    return user


def set_membership(team: Team, user_id: str, role: str, *, findable: sa.ColumnElement[bool] | None = None) -> Membership:
    """``findable``: the people the caller may add (``Access.people_findable``; None: anyone)."""
    user = _user_or_404(user_id, findable)
    membership = db.session.get(Membership, (team.id, user.id))
    previous = None if membership is None else membership.role
    if membership is None:
        membership = Membership(team_id=team.id, user_id=user.id, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    if previous != role:
        record("membership.set", target_type="user", target_id=user.id,
               details={"team_id": team.id, "role": role, "previous_role": previous})
    return membership


def remove_membership(team: Team, user_id: str) -> None:
    membership = db.session.get(Membership, (team.id, user_id))
    if membership is None:
        raise not_found("membership")
    record("membership.removed", target_type="user", target_id=user_id,
           details={"team_id": team.id, "role": membership.role})
    db.session.delete(membership)
    db.session.flush()


def assign_coach(team: Team, user_id: str) -> CoachAssignment:
    user = _user_or_404(user_id)
    if user.role != "coach":
        raise ApiError(422, "not_a_coach", "Only users with the coach role can follow teams.",
                       fields={"user_id": ["This user is not a coach."]})
    assignment = db.session.get(CoachAssignment, (team.id, user.id))
    if assignment is None:
        assignment = CoachAssignment(team_id=team.id, coach_id=user.id)
        db.session.add(assignment)
        db.session.flush()
        record("coach.assigned", target_type="user", target_id=user.id, details={"team_id": team.id})
    return assignment


def unassign_coach(team: Team, user_id: str) -> None:
    assignment = db.session.get(CoachAssignment, (team.id, user_id))
    if assignment is None:
        raise not_found("coach assignment")
    record("coach.unassigned", target_type="user", target_id=user_id, details={"team_id": team.id})
    db.session.delete(assignment)
    db.session.flush()


def list_boards(board_ids: frozenset[str] | None, *, archived: bool = False) -> list[Board]:
    """Boards in use among ``board_ids`` (None: every board); with ``archived``, the archived ones too."""
    query = sa.select(Board).order_by(Board.name)
    if board_ids is not None:
        query = query.where(Board.id.in_(board_ids))
    if not archived:
        query = query.where(Board.archived_at.is_(None))
    return list(db.session.scalars(query))


def list_teams(team_ids: frozenset[str] | None, *, archived: bool = False) -> list[Team]:
    """Teams in use among ``team_ids`` (None: every team); with ``archived``, the archived ones too
    (and those of archived boards)."""
    query = sa.select(Team).order_by(Team.name)
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids))
    if not archived:
        query = query.where(Team.id.in_(active_team_ids()))
    return list(db.session.scalars(query))


def _display_account(team: Team) -> User:
    """The team's display account, made the first time a lead signs in a screen for it."""
    display = db.session.scalar(sa.select(TeamDisplay).where(TeamDisplay.team_id == team.id))
    if display is not None:
        return display.user
    # Not a person's address: the reserved .invalid domain can never receive mail or be registered.
    address = f"display-{team.id}@displays.valueboard.invalid"
    user = User(email=address, email_normalised=address, name=f"{team.name} board display"[:120],
                password_hash=NO_PASSWORD, role=DISPLAY_ROLE)
    db.session.add(user)
    db.session.flush()
    db.session.add(TeamDisplay(user_id=user.id, team_id=team.id))
    db.session.flush()
    return user


def sign_in_display(team: Team, device_name: str) -> tuple[str, Device, User]:
    """A new device token for the team's board display (a ward TV)."""
    user = _display_account(team)
    token, device = register_device(user, device_name)
    record("display.signed_in", target_type="device", target_id=device.id,
           details={"team_id": team.id, "device_name": device.name})
    return token, device, user


def displays_of(team: Team) -> list[Device]:
    """The team's signed-in board displays."""
    return list(db.session.scalars(
        sa.select(Device).join(TeamDisplay, TeamDisplay.user_id == Device.user_id)
        .where(TeamDisplay.team_id == team.id, Device.revoked_at.is_(None)).order_by(Device.created_at)
    ))


def sign_out_display(team: Team, device_id: str) -> Device:
    device = next((d for d in displays_of(team) if d.id == device_id), None)
    if device is None:
        raise not_found("display")
    revoke_device(device)
    record("display.signed_out", target_type="device", target_id=device.id, details={"team_id": team.id})
    return device


def assign_board_lead(board_id: str, user_id: str) -> BoardLead:
    """A board lead leads one board: assigning another board moves them."""
    if db.session.get(Board, board_id) is None:
        raise not_found("board")
    user = _user_or_404(user_id)
    if user.role != "board_lead":
        raise ApiError(422, "not_a_board_lead", "Only users with the board lead role can lead a board.",
                       fields={"user_id": ["This user is not a board lead."]})
    lead = db.session.get(BoardLead, user.id)
    previous = None if lead is None else lead.board_id
    if lead is None:
        lead = BoardLead(user_id=user.id, board_id=board_id)
        db.session.add(lead)
    lead.board_id = board_id
    db.session.flush()
    if previous != board_id:
        record("board_lead.set", target_type="user", target_id=user.id,
               details={"board_id": board_id, "previous_board_id": previous})
    return lead


def unassign_board_lead(board_id: str, user_id: str) -> None:
    lead = db.session.get(BoardLead, user_id)
    if lead is None or lead.board_id != board_id:
        raise not_found("board lead")
    record("board_lead.removed", target_type="user", target_id=user_id, details={"board_id": board_id})
    db.session.delete(lead)
    db.session.flush()


def update_user(user: User, changes: dict) -> User:
    """A person's name, email or role. A role change takes effect on their next request (access is
    worked out per request from the role) and ends what only the old role allowed: a coach's
    assignments, a board lead's board."""
    if user.role == DISPLAY_ROLE:
        raise ApiError(422, "display_account", "A board display's account is managed from its team's displays.")
    if "email" in changes:
        normalised = changes["email"].strip().lower()
        taken = db.session.scalar(sa.select(User.id).where(User.email_normalised == normalised, User.id != user.id))
        if taken:
            raise conflict("email_taken", "A user with that email address already exists.")
        changes = {**changes, "email": changes["email"].strip()}
        user.email_normalised = normalised
    changed = {}
    for key in ("name", "email"):
        if key in changes and changes[key].strip() != getattr(user, key):
            changed[key] = {"from": getattr(user, key), "to": changes[key].strip()}
            setattr(user, key, changes[key].strip())
    if changed:
        record("user.changed", target_type="user", target_id=user.id, details={"changes": changed})
    role = changes.get("role")
    if role is not None and role != user.role:
        previous = user.role
        if previous == "coach":
            for assignment in db.session.scalars(sa.select(CoachAssignment).where(CoachAssignment.coach_id == user.id)):
                unassign_coach(assignment.team, user.id)
        if previous == "board_lead":
            lead = db.session.get(BoardLead, user.id)
            if lead is not None:
                unassign_board_lead(lead.board_id, user.id)
        user.role = role
        record("user.role_changed", target_type="user", target_id=user.id, details={"from": previous, "to": role})
    db.session.flush()
    return user
