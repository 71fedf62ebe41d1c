"""Coaching conversations and the coach's caseload."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_smorest import Blueprint

from server.accounts.auth import current_session
from server.accounts.models import User
from server.coaching import operations
from server.coaching.models import CoachingNote
from server.coaching.schemas import CaseloadSchema, NoteFieldsSchema, NoteListSchema, NoteSchema
from server.core.errors import forbidden
from server.extensions import db
from server.organisations.access import access_for, readable_team_or_404, require

blp = Blueprint("coaching", __name__, url_prefix="/api", description="Coaching conversations and the coach's caseload")


def _names(user_ids: set[str]) -> dict[str, str]:
    return dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all()) if user_ids else {}


def _with_names(notes: list[CoachingNote]) -> list[dict[str, Any]]:
    names = _names({n.coach_id for n in notes})
    return [{**{c.name: getattr(n, c.name) for c in CoachingNote.__table__.columns}, "coach_name": names.get(n.coach_id, "")}
            for n in notes]


def _team_for_notes(team_id: str):
    access = access_for(current_session().user)
    readable_team_or_404(access, team_id)
    require(access.can_read_coaching_notes(team_id),
            "Coaching notes are for the team's leads, its coaches and administrators.")
    return access


@blp.get("/teams/<team_id>/coaching-notes")
@blp.response(200, NoteListSchema)
def list_notes(team_id):
    """The team's coaching conversations, newest first (its leads, its coaches, admins)."""
    _team_for_notes(team_id)
    return {"notes": _with_names(operations.notes_of(team_id))}


@blp.post("/teams/<team_id>/coaching-notes")
@blp.arguments(NoteFieldsSchema)
@blp.response(201, NoteSchema)
def add_note(fields, team_id):
    """A coach of the team (or an admin) records a conversation."""
    access = _team_for_notes(team_id)
    require(access.can_coach(team_id), "Only the team's coach or an administrator records coaching conversations.")
    note = operations.add_note(team_id, current_session().user, **fields)
    db.session.commit()
    return _with_names([note])[0]


@blp.put("/teams/<team_id>/coaching-notes/<note_id>")
@blp.arguments(NoteFieldsSchema)
@blp.response(200, NoteSchema)
def change_note(fields, team_id, note_id):
    """The note's author (while still the team's coach) or an admin corrects it."""
    access = _team_for_notes(team_id)
    note = operations.note_of_team(team_id, note_id)
    require(access.can_change_coaching_note(team_id, note.coach_id), "Only the coach who wrote this note can change it.")
    operations.change_note(note, fields)
    db.session.commit()
    return _with_names([note])[0]


@blp.delete("/teams/<team_id>/coaching-notes/<note_id>")
@blp.response(204)
def delete_note(team_id, note_id):
    access = _team_for_notes(team_id)
    note = operations.note_of_team(team_id, note_id)
    require(access.can_change_coaching_note(team_id, note.coach_id), "Only the coach who wrote this note can delete it.")
    operations.delete_note(note)
    db.session.commit()


@blp.get("/caseload")
@blp.response(200, CaseloadSchema)
def get_caseload():
    """Every team the caller follows as a coach, the teams needing help first, each with its reasons."""
    user = current_session().user
    if user.role != "coach" and not access_for(user).coach_of:
        raise forbidden("The caseload is for coaches: it lists the teams they follow.")
    result = operations.caseload(user)
    notes = [r["last_note"] for r in result["teams"] if r["last_note"] is not None]
    named = {n["id"]: n for n in _with_names(notes)}
    for r in result["teams"]:
        if r["last_note"] is not None:
            r["last_note"] = named[r["last_note"].id]
    return result
