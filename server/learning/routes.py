"""The shared learning library: a team's drafts and consent, the library every team searches, and
adopting a shared change."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.accounts.auth import current_session
from server.core.errors import conflict
from server.extensions import db
from server.learning import operations
from server.learning.schemas import (AdoptedSchema, AdoptSchema, LibraryPageSchema, LibraryQuerySchema,
                                     SharedItemCreateSchema, SharedItemSchema, TeamItemsSchema)
from server.organisations.access import access_for, readable_team_or_404, require

blp = Blueprint("learning", __name__, url_prefix="/api", description="Shared learning across boards: the library")

BROWSERS = "The library is for people who work in a team, coaches, board leads and administrators."


def _browser():
    user = current_session().user
    access = access_for(user)
    require(access.can_browse_library(user.role), BROWSERS)
    return user, access


def _team_drafts(team_id: str):
    user = current_session().user
    access = access_for(user)
    readable_team_or_404(access, team_id)
    require(access.can_see_shared_drafts(team_id),
            "What a team prepares for the library is for its leads, its coaches and administrators.")
    return user, access


@blp.get("/library")
@blp.arguments(LibraryQuerySchema, location="query")
@blp.response(200, LibraryPageSchema)
def search_library(args):
    """Items teams shared with their leads' consent, newest first, by words (title or text), measure
    name and service; ``next_cursor`` pages on."""
    _browser()
    items, next_cursor = operations.search(q=args["q"], measure=args["measure"], service=args["service"],
                                           cursor=args["cursor"], limit=args["limit"])
    return {"items": operations.described(items, with_cycles=False), "next_cursor": next_cursor,
            "facets": operations.facets()}


@blp.get("/library/<item_id>")
@blp.response(200, SharedItemSchema)
def get_item(item_id):
    """One shared item with its PDSA cycles and chart (a draft only to its own team's leads and coaches)."""
    user, access = _browser()
    return operations.described([operations.visible_item(access, user.role, item_id)])[0]


@blp.post("/library/<item_id>/adopt")
@blp.arguments(AdoptSchema)
@blp.response(201, AdoptedSchema)
@blp.alt_response(200, schema=AdoptedSchema, description="The team had already adopted this item: its idea.")
def adopt(args, item_id):
    """Adopt and adapt: copy a shared change into one of the caller's teams' ideas, to test there. It
    syncs to the team's devices like any idea; adopting the same item again answers the same idea."""
    user, access = _browser()
    item = operations.visible_item(access, user.role, item_id)
    if item.consented_at is None:
        raise conflict("not_shared", "This item is not in the library yet: a lead of its team has to consent first.")
    if item.kind != "adopted_change":
        raise conflict("not_adoptable", "A case study has no idea to adopt: read it and raise your own idea.")
    team = readable_team_or_404(access, args["team_id"])
    require(access.can_take_part(team.id), "Only the team's members and coaches add ideas to its board.")
    idea, created = operations.adopt_item(item, team, user)
    return {"idea_id": idea.id, "team_id": team.id, "title": idea.title, "created": created}, (201 if created else 200)


@blp.get("/teams/<team_id>/shared-items")
@blp.response(200, TeamItemsSchema)
def list_team_items(team_id):
    """The team's drafts and shared items, newest first (its leads, its coaches, admins)."""
    _team_drafts(team_id)
    return {"items": operations.described(operations.team_items(team_id))}


@blp.post("/teams/<team_id>/shared-items")
@blp.arguments(SharedItemCreateSchema)
@blp.response(201, SharedItemSchema)
def create_item(fields, team_id):
    """Draft an item: an adopted idea (``{"kind": "adopted_change", "idea_id", "measure_id"?}``) or a case
    study (``{"kind": "case_study", "title", "text", "measure_id"?}``). Leads, coaches and admins; it stays
    inside the team until a lead consents."""
    user, access = _team_drafts(team_id)
    require(access.can_draft_shared_item(team_id), "Only the team's leads and coaches prepare items for the library.")
    item = operations.create_item(readable_team_or_404(access, team_id), user, fields)
    db.session.commit()
    return operations.described([item])[0]


@blp.post("/teams/<team_id>/shared-items/<item_id>/consent")
@blp.response(200, SharedItemSchema)
def consent(team_id, item_id):
    """A lead of the team consents: the item joins the library."""
    user, access = _team_drafts(team_id)
    item = operations.item_of_team(team_id, item_id)
    require(access.can_consent_to_sharing(team_id), "Only a lead of the team can consent to sharing its work.")
    operations.consent(item, user)
    db.session.commit()
    return operations.described([item])[0]


@blp.delete("/teams/<team_id>/shared-items/<item_id>/consent")
@blp.response(200, SharedItemSchema)
def withdraw(team_id, item_id):
    """A lead of the team (or an admin) withdraws the consent: the item leaves the library."""
    _, access = _team_drafts(team_id)
    item = operations.item_of_team(team_id, item_id)
    require(access.can_withdraw_shared_item(team_id), "Only a lead of the team can withdraw it from the library.")
    operations.withdraw(item)
    db.session.commit()
    return operations.described([item])[0]


@blp.delete("/teams/<team_id>/shared-items/<item_id>")
@blp.response(204)
def delete_item(team_id, item_id):
    """The team's leads, the coach who drafted it, or an admin delete an item (shared or not)."""
    _, access = _team_drafts(team_id)
    item = operations.item_of_team(team_id, item_id)
    require(access.can_delete_shared_item(team_id, item.author_id),
            "Only the team's leads or the coach who drafted it can delete it.")
    operations.delete_item(item)
    db.session.commit()
