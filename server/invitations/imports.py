"""Importing people from a CSV file: each new person is invited exactly as ``POST /api/invitations``
does (:func:`server.invitations.operations.invite`), each person who already has an account only gets
the membership. A preview reads and checks everything and writes nothing; a commit writes every row or,
if any row has a problem, nothing.

The audit log reads as if each person had been invited or added one by one: ``user.created``,
``membership.set`` and ``invitation.created`` for each new person, ``membership.set`` for each
membership added; no summary event (the log is read per person, and a summary would say it twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from marshmallow import ValidationError, validate

from server.accounts.models import DISPLAY_ROLE, ROLES, User, normalise_email
from server.core.errors import ApiError
from server.core.schemas import CharacterLength, PRINTABLE_TEXT
from server.core.spreadsheet import Unreadable, csv_rows, too_large
from server.extensions import db
from server.invitations.operations import invite
from server.organisations.access import Access
from server.organisations.models import MEMBER_ROLES, Membership, Team
from server.organisations.operations import set_membership
from server.organisations.queries import active_team_ids

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 20
REQUIRED = ("name", "email", "role")
OPTIONAL = ("team", "team role")

_EMAIL = validate.Email(error="This is not an email address.")
_NAME = [CharacterLength(120), PRINTABLE_TEXT]


def unreadable(message: str) -> ApiError:
    return ApiError(422, "import_unreadable", message)


@dataclass
class Row:
    line: int
    name: str
    email: str
    role: str
    team: str
    team_role: str
    team_id: str | None = None
    team_name: str | None = None
    action: str = "create"
    note: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)
    invitation: dict[str, Any] | None = None

    def error(self, field_name: str, message: str) -> None:
        self.errors.append({"field": field_name, "message": message})

    def answer(self) -> dict[str, Any]:
        out = {"line": self.line, "name": self.name, "email": self.email, "role": self.role, "team_id": self.team_id,
               "team_name": self.team_name, "team_role": self.team_role if self.team_id else None,
               "action": self.action, "note": self.note, "errors": self.errors}
        if self.invitation is not None:
            out["invitation"] = self.invitation
        return out


def read_rows(data: bytes) -> list[Row]:
    """The file's data rows; refuses (422) a file that is not UTF-8 CSV with a header naming name,
    email and role, or that is over the limits (counted as it is read: reading stops at the first
    row or column too many)."""
    if len(data) > MAX_BYTES:
        raise too_large("The file is larger than 1 MB: split it into smaller files.", 413)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise unreadable("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”.") from None
    if "\x00" in text:
        raise unreadable("The file is not a CSV file: save it from your spreadsheet as “CSV UTF-8”.")
    # Columns are refused line by line before a line becomes a list (server/core/spreadsheet.py).
    reader = csv_rows(text, max_columns=MAX_COLUMNS, max_cells=(MAX_ROWS + 1) * MAX_COLUMNS, strict=True)
    try:
        _, header = next(reader, (1, None))
        if header is None or not any(cell.strip() for cell in header):
            raise unreadable("The file is empty: its first line must name the columns name, email, role, team, "
                             "team role.")
        columns = [" ".join(cell.strip().lower().replace("_", " ").split()) for cell in header]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise unreadable(f"The first line must name the columns name, email and role (and team, team role); "
                             f"missing: {', '.join(missing)}.")
        index = {c: columns.index(c) for c in (*REQUIRED, *OPTIONAL) if c in columns}
        rows = []
        for line, cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (a spreadsheet's trailing rows) are not people
            if len(rows) == MAX_ROWS:
                raise too_large(f"The file has more than {MAX_ROWS} people: split it into smaller files.")

            def cell(name: str) -> str:
                i = index.get(name)
                return cells[i].strip() if i is not None and i < len(cells) else ""

            rows.append(Row(line=line, name=cell("name"), email=cell("email"),
                            role=cell("role").lower().replace(" ", "_"), team=cell("team"),
                            team_role=cell("team role").lower() or "member"))
    except Unreadable as error:
        raise unreadable(f"The file is not a CSV file the server can read ({error}).") from None
    return rows


def _teams_for(access: Access) -> list[tuple[str, str]]:
    """(id, name) of the teams the caller may import people into: not archived."""
    query = sa.select(Team.id, Team.name).where(Team.id.in_(active_team_ids()))
    if not access.is_admin:
        query = query.where(Team.id.in_(sorted(access.board_teams)))
    return [(r.id, r.name) for r in db.session.execute(query)]


def check(access: Access, rows: list[Row]) -> list[Row]:
    """Fill in each row's team, action and errors. Reads only (a few queries, whatever the size)."""
    teams = _teams_for(access)
    by_id = dict(teams)
    by_name: dict[str, list[str]] = {}
    for team_id, name in teams:
        by_name.setdefault(name.casefold(), []).append(team_id)
    emails = {normalise_email(r.email) for r in rows if r.email}
    existing = {u.email_normalised: u for u in db.session.scalars(
        sa.select(User).where(User.email_normalised.in_(sorted(emails))))} if emails else {}
    ids = [u.id for u in existing.values()]
    memberships = set(db.session.execute(sa.select(Membership.user_id, Membership.team_id)
                                         .where(Membership.user_id.in_(ids))).all()) if ids else set()
    first_line: dict[str, int] = {}
    for row in rows:
        # name, email, role
        if not row.name:
            row.error("name", "Give the person's name.")
        else:
            try:
                for rule in _NAME:
                    rule(row.name)
            except ValidationError as error:
                row.error("name", " ".join(error.messages))
        normalised = normalise_email(row.email)
        if not row.email:
            row.error("email", "Give the person's email address.")
        else:
            try:
                _EMAIL(row.email)
                if len(row.email) > 254:
                    raise ValidationError("An email address has at most 254 characters.")
            except ValidationError as error:
                row.error("email", " ".join(error.messages))
            else:
                if normalised in first_line:
                    row.error("email", f"This email address is already on line {first_line[normalised]}.")
                else:
                    first_line[normalised] = row.line
        if row.role not in ROLES:
            row.error("role", f"Unknown role “{row.role}”: use staff, coach, board_lead or admin.")
        # team, team role
        if row.team:
            found = [row.team] if row.team in by_id else by_name.get(row.team.casefold(), [])
            if len(found) == 1:
                row.team_id, row.team_name = found[0], by_id[found[0]]
            elif found:
                row.error("team", f"Several teams are called “{row.team}”: use the team's id instead.")
            else:
                row.error("team", f"No team called “{row.team}” among the teams you manage (archived teams are "
                                  "left out).")
        elif row.team_role != "member":
            row.error("team role", "Choose the team this role is in.")
        if row.team_role not in MEMBER_ROLES:
            row.error("team role", f"Unknown team role “{row.team_role}”: use member or lead.")
        # what it will do, and whether the caller may
        person = existing.get(normalised)
        if person is not None:
            row.note = "Already has an account: their name and role are not changed."
            if person.role == DISPLAY_ROLE:
                row.error("email", "This address belongs to a board display's account, not a person.")
            elif row.team_id is None:
                row.action = "nothing"
            elif (person.id, row.team_id) in memberships:
                row.action = "nothing"
                row.note = "Already in this team: nothing changes (their role in it included)."
            else:
                row.action = "add_membership"
                if not person.active:
                    row.note = "Already has an account (deactivated): they are added to the team only."
                if not access.can_import_into(row.team_id):
                    row.error("team", "You cannot add people to this team.")
        elif row.role in ROLES and not access.can_import_person(row.team_id, row.role):
            if row.role != "staff":
                row.error("role", "A board lead can import staff only: ask an administrator to add "
                                  f"a{'n' if row.role == 'admin' else ''} {row.role.replace('_', ' ')}.")
            elif row.team_id is None and not row.errors:
                row.error("team", "A board lead imports people into a team of their board: name the team.")
    return rows


def summary(rows: list[Row]) -> dict[str, int]:
    counts = {"rows": len(rows), "create": 0, "add_membership": 0, "nothing": 0, "errors": 0}
    for row in rows:
        if row.errors:
            counts["errors"] += 1
        else:
            counts[row.action] += 1
    return counts


def commit(access: Access, rows: list[Row]) -> list[tuple[Row, str, Any]]:
    """Write every row (the caller has checked there are no errors): new people are invited, existing
    ones added to their team. Flush, never commit. Returns (row, token, invitation) for each invitation."""
    issued = []
    people = {u.email_normalised: u for u in db.session.scalars(sa.select(User).where(
        User.email_normalised.in_(sorted({normalise_email(r.email) for r in rows}))))} if rows else {}
    for row in rows:
        if row.action == "create":
            token, invitation = invite(access, email=row.email, name=row.name, role=row.role, team_id=row.team_id,
                                       team_role=row.team_role if row.team_id else None)
            issued.append((row, token, invitation))
        elif row.action == "add_membership":
            set_membership(db.session.get(Team, row.team_id), people[normalise_email(row.email)].id, row.team_role)
    return issued
