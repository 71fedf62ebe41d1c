"""Who may read and write which teams: the one place these rules live.

Staff read and write their own teams; leads also manage members and settings; coaches read the
teams they follow (and write coach things such as milestone confirmations); a board lead reads and
manages every team of one health board (through the API: their devices sync only teams they work in);
a team's board display (a ward TV) reads its team and writes nothing; admins do everything.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa

from server.accounts.auth import Principal
from server.accounts.models import DISPLAY_ROLE, User, normalise_email
from server.core.errors import ApiError, forbidden, not_found
from server.extensions import db
from server.organisations.models import BoardLead, CoachAssignment, Membership, Team, TeamDisplay


@dataclass(frozen=True)
class Access:
    user_id: str
    is_admin: bool
    member_of: frozenset[str]
    lead_of: frozenset[str]
    coach_of: frozenset[str]
    displays: frozenset[str] = frozenset()
    board_teams: frozenset[str] = frozenset()  # the teams of the board this user leads
    boards_led: frozenset[str] = frozenset()

    @property
    def readable(self) -> frozenset[str]:
        return self.member_of | self.coach_of | self.displays

    def can_read(self, team_id: str) -> bool:
        return (self.is_admin or team_id in self.member_of or team_id in self.coach_of or team_id in self.displays
                or team_id in self.board_teams)

    def can_write(self, team_id: str) -> bool:
        """Write the team's everyday records (entries, huddles, ideas)."""
        return self.is_admin or team_id in self.member_of

    def can_manage(self, team_id: str) -> bool:
        """Change the team's settings and members."""
        return self.is_admin or team_id in self.lead_of or team_id in self.board_teams

    def can_change_record(self, team_id: str, author_id: str) -> bool:
        """Edit or delete one of the team's everyday records: its author (while a member) or the
        team's leads, and admins."""
        return self.can_write(team_id) and (author_id == self.user_id or self.can_manage(team_id))

    def keeps_team_entries(self, team_id: str) -> bool:
        """Whose capacity entries this user's devices keep (their sync window, 16 weeks): the team's
        leads and admins who work in the team correct anyone's, so they keep the team's; everyone
        else (staff, coaches, ward TVs) keeps only their own. Box scores come from weekly totals."""
        return team_id in self.lead_of or (self.is_admin and team_id in self.member_of)

    def can_coach(self, team_id: str) -> bool:
        return self.is_admin or team_id in self.coach_of

    def can_edit_measures(self, team_id: str) -> bool:
        """Leads and coaches of the team, and admins, define its box score."""
        return self.can_manage(team_id) or self.can_coach(team_id)

    def can_set_board_aims(self, team_id: str) -> bool:
        """The aims on the team's board are set by those who define its box score."""
        return self.can_edit_measures(team_id)

    def can_take_part(self, team_id: str) -> bool:
        """Huddles and improvement work (ideas, PDSA cycles, actions): members and coaches of the
        team, and admins, create and edit them."""
        return self.can_write(team_id) or self.can_coach(team_id)

    def can_remove_contribution(self, team_id: str, author_id: str) -> bool:
        """Delete a huddle or an improvement record: its author (while taking part), the team's
        leads, and admins."""
        return self.can_take_part(team_id) and (author_id == self.user_id or self.can_manage(team_id))

    def can_enter_values(self, team_id: str) -> bool:
        """Everyone who works on the box score in the huddle: members, leads, coaches, admins."""
        return self.can_write(team_id) or self.can_coach(team_id)

    # ---- coaching conversations (issue 14): the team's leads read them, its coaches write them.
    def can_read_coaching_notes(self, team_id: str) -> bool:
        return self.is_admin or team_id in self.lead_of or team_id in self.coach_of

    def can_change_coaching_note(self, team_id: str, author_id: str) -> bool:
        return self.is_admin or (team_id in self.coach_of and author_id == self.user_id)

    # ---- the shared learning library (issue 14). A shared item is a draft inside its team (its leads,
    # its coaches, admins) until one of the team's leads consents: the team owns what it shares.
    def can_browse_library(self, role: str) -> bool:
        """Anyone who works in a team, every coach, board leads and admins; not board displays."""
        return (self.is_admin or role == "coach" or bool(self.member_of or self.coach_of or self.boards_led))

    def can_see_shared_drafts(self, team_id: str) -> bool:
        return self.is_admin or team_id in self.lead_of or team_id in self.coach_of

    def can_draft_shared_item(self, team_id: str) -> bool:
        return self.can_see_shared_drafts(team_id)

    def can_consent_to_sharing(self, team_id: str) -> bool:
        """Only the team's own leads publish its items: not its coach, not an administrator."""
        return team_id in self.lead_of

    def can_withdraw_shared_item(self, team_id: str) -> bool:
        """The team's leads, and admins (who may need to take an item down)."""
        return self.is_admin or team_id in self.lead_of

    def can_delete_shared_item(self, team_id: str, author_id: str) -> bool:
        return self.is_admin or team_id in self.lead_of or (team_id in self.coach_of and author_id == self.user_id)

    # ---- the weekly rota (issue 14): every reader sees it, those who manage the team set it.
    def can_set_rota(self, team_id: str) -> bool:
        return self.can_manage(team_id)

    # ---- the bi-monthly board report's highlights (issue 14).
    def can_share_in_report(self, team_id: str) -> bool:
        """Mark a huddle note or an adopted idea as a highlight of the bi-monthly board report: the
        team's leads and coaches (who prepare the board's update with it), board leads and admins."""
        return self.can_manage(team_id) or self.can_coach(team_id)

    def can_read_board(self, board_id: str) -> bool:
        """Read a whole health board's figures (fidelity, reports)."""
        return self.is_admin or board_id in self.boards_led

    def reads_boards(self) -> bool:
        """See the board and national views and board reports at all: admins (every board) and board
        leads (theirs, :meth:`can_read_board`)."""
        return self.is_admin or bool(self.boards_led)

    # ---- administration in the app (issue 15)
    def can_invite(self, team_id: str | None, role: str) -> bool:
        """Invite a person: admins anyone; a board lead, staff and coaches into a team of their board."""
        return self.is_admin or (team_id is not None and team_id in self.board_teams and role in ("staff", "coach"))

    def can_rename_board(self, board_id: str) -> bool:
        """Admins, and the board's own board leads."""
        return self.is_admin or board_id in self.boards_led

    def can_archive_board(self) -> bool:
        return self.is_admin

    def can_archive_team(self, team_id: str) -> bool:
        """Archive or unarchive a team: admins and the board lead of its board, not the team's own lead
        (a team does not take itself out of the organisation)."""
        return self.is_admin or team_id in self.board_teams

    def can_see_archived(self) -> bool:
        """List archived boards and teams (to unarchive them)."""
        return self.is_admin or bool(self.boards_led)

    def can_search_people(self) -> bool:
        """Find people by name or email: admins (everything about them) and board leads (who add people
        to their board's teams: only their name, email, role and whether they are active)."""
        return self.is_admin or bool(self.boards_led)

    def can_import_people(self) -> bool:
        """Import people from a file at all: admins, and board leads (into their board's teams)."""
        return self.is_admin or bool(self.boards_led)

    def can_import_person(self, team_id: str | None, role: str) -> bool:
        """Create a person from an imported file: admins anyone; a board lead staff, into a team of their board."""
        return self.is_admin or (team_id is not None and team_id in self.board_teams and role == "staff")

    def can_import_into(self, team_id: str) -> bool:
        """Add an existing person to a team from an imported file: whoever manages the team's people
        in bulk (admins, the board lead of its board)."""
        return self.is_admin or team_id in self.board_teams

    def listed_board_ids(self) -> frozenset[str] | None:
        """The boards listed to this user (None: every board, for admins): the boards they lead and
        those of the teams they read, so the names of other health boards stay theirs."""
        if self.is_admin:
            return None
        teams = self.readable | self.board_teams
        of_teams = db.session.scalars(sa.select(Team.board_id).where(Team.id.in_(teams))) if teams else []
        return self.boards_led | frozenset(of_teams)

    def people_findable(self, email: str | None = None) -> sa.ColumnElement[bool] | None:
        """Which users (a condition on ``User``) this user may look up and add to the teams they
        manage (None: everyone, for admins): the people of the boards whose teams they manage (in a
        team of it, coaching one or leading the board), and anyone whose exact email address they
        give. Never a board display's account. Anyone else is "not found", as an unknown id is, so
        user ids reveal nobody's name or email."""
        if self.is_admin:
            return None
        managed = self.lead_of | self.board_teams
        boards = self.boards_led | frozenset(
            db.session.scalars(sa.select(Team.board_id).where(Team.id.in_(managed))) if managed else [])
        findable = User.id.in_(_people_of_boards(boards))
        if email:
            findable = sa.or_(findable, User.email_normalised == normalise_email(email))
        return sa.and_(findable, User.role != DISPLAY_ROLE)

    def readable_team_ids(self) -> frozenset[str]:
        if self.is_admin:
            return frozenset(db.session.scalars(sa.select(Team.id)))
        return self.readable


# Not membership roles (member | lead): they mark the coach assignments and board displays below.
_COACH = "coach"
_DISPLAY = "display"


@functools.cache
def _access_query() -> sa.CompoundSelect:
    # One round trip for memberships and coach assignments, built once: every sync request asks
    # this, and building the statement cost more than running it.
    return sa.union_all(
        sa.select(Membership.team_id, Membership.role).where(Membership.user_id == sa.bindparam("user_id")),
        sa.select(CoachAssignment.team_id, sa.literal(_COACH)).where(CoachAssignment.coach_id == sa.bindparam("user_id")),
        sa.select(TeamDisplay.team_id, sa.literal(_DISPLAY)).where(TeamDisplay.user_id == sa.bindparam("user_id")),
    )


@functools.cache
def _board_lead_query() -> sa.Select:
    return (sa.select(BoardLead.board_id, Team.id).outerjoin(Team, Team.board_id == BoardLead.board_id)
            .where(BoardLead.user_id == sa.bindparam("user_id")))


def _people_of_boards(board_ids: frozenset[str]) -> sa.CompoundSelect:
    """The ids of the people in a team of these boards, coaching one of them, or leading a board."""
    teams = sa.select(Team.id).where(Team.board_id.in_(board_ids))
    return sa.union(
        sa.select(Membership.user_id).where(Membership.team_id.in_(teams)),
        sa.select(CoachAssignment.coach_id).where(CoachAssignment.team_id.in_(teams)),
        sa.select(BoardLead.user_id).where(BoardLead.board_id.in_(board_ids)),
    )


def access_for(user: User | Principal) -> Access:
    # Core, not the ORM: the ORM's execute path costs more than the query here. In the request's
    # transaction (for a sync push, the read one before it takes the write lock).
    rows = db.session.connection().execute(_access_query(), {"user_id": user.id}).all()
    led: list = []
    if user.role == "board_lead":  # only they pay the second query
        led = db.session.connection().execute(_board_lead_query(), {"user_id": user.id}).all()
    return Access(
        user_id=user.id,
        is_admin=user.role == "admin",
        member_of=frozenset(team_id for team_id, role in rows if role not in (_COACH, _DISPLAY)),
        lead_of=frozenset(team_id for team_id, role in rows if role == "lead"),
        coach_of=frozenset(team_id for team_id, role in rows if role == _COACH),
        displays=frozenset(team_id for team_id, role in rows if role == _DISPLAY),
        board_teams=frozenset(team_id for _, team_id in led if team_id is not None),
        boards_led=frozenset(board_id for board_id, _ in led),
    )


def readable_team_or_404(access: Access, team_id: str) -> Team:
    """Teams a caller cannot read are reported missing, so ids of other teams reveal nothing."""
    team = db.session.get(Team, team_id)
    if team is None or not access.can_read(team.id):
        raise not_found("team")
    return team


def require_admin(user: User, message: str = "Only an administrator can do that.") -> None:
    if user.role != "admin":
        raise forbidden(message)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ApiError(403, "forbidden", message)
