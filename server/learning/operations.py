"""The shared learning library: drafts, consent, search, and adopting a shared change.

Writes flush, never commit (the route commits), except :func:`adopt_item`, whose idea is a synced
record written through the sync engine (``write_as_server`` commits it, as a device's push would)."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional

import sqlalchemy as sa

from server.accounts.models import User
from server.core import clock
from server.core.errors import conflict, not_found, validation_error
from server.core.weeks import week_start
from server.extensions import db
from server.improvement.collections import IDEAS
from server.improvement.models import Idea, IdeaMove, PdsaCycle
from server.learning.models import TEXT_MAX, SharedItem
from server.measures.models import Measure, MeasureValue
from server.organisations.access import Access
from server.organisations.models import Board, Team

#: The chart shows up to this many weeks before the change was first tested, and after.
WEEKS_BEFORE, WEEKS_AFTER = 12, 26
#: An adopted idea's id is derived from (item, team): a retried or double-tapped adopt writes one idea.
ADOPTED_IDEA_NAMESPACE = uuid.UUID("0d7e9a34-6b1c-4f52-8e0a-3c9d2b7f1e64")


# ------------------------------------------------------------------------------------------------
# drafts and consent
# ------------------------------------------------------------------------------------------------
def create_item(team: Team, author: User, fields: dict[str, Any]) -> SharedItem:
    item = SharedItem(kind=fields["kind"], team_id=team.id, board_id=team.board_id, service=team.service,
                      author_id=author.id, created_at=clock.now())
    if fields["kind"] == "adopted_change":
        idea = db.session.get(Idea, fields["idea_id"])
        if idea is None or idea.team_id != team.id:
            raise validation_error({"idea_id": ["That idea is not one of this team's."]})
        if idea.status != "adopted":
            raise validation_error({"idea_id": ["Only an adopted idea can be shared: adopt it after testing it."]})
        if db.session.scalar(sa.select(SharedItem.id).where(SharedItem.idea_id == idea.id)) is not None:
            raise conflict("already_shared", "This idea is already prepared for the library: find it on the team's "
                                             "shared learning page.")
        measure_id = fields.get("measure_id") or next(iter(idea.measure_ids or []), None)
        if fields.get("measure_id") and fields["measure_id"] not in (idea.measure_ids or []):
            raise validation_error({"measure_id": ["Choose one of the measures the idea is linked to."]})
        measure = db.session.get(Measure, measure_id) if measure_id else None
        if measure is not None and measure.team_id != team.id:
            measure = None
        item.idea_id, item.title, item.text = idea.id, idea.title, idea.description
        item.measure_id, item.measure_name = (measure.id, measure.name) if measure else (None, None)
    else:
        if fields.get("measure_id"):
            measure = db.session.get(Measure, fields["measure_id"])
            if measure is None or measure.team_id != team.id:
                raise validation_error({"measure_id": ["That measure is not one of this team's."]})
            item.measure_id, item.measure_name = measure.id, measure.name
        item.title, item.text = fields["title"].strip(), fields["text"].strip()
    db.session.add(item)
    db.session.flush()
    return item


def item_of_team(team_id: str, item_id: str) -> SharedItem:
    item = db.session.get(SharedItem, item_id)
    if item is None or item.team_id != team_id:
        raise not_found("shared item")
    return item


def consent(item: SharedItem, lead: User) -> SharedItem:
    if item.consented_at is None:  # consenting twice keeps the first consent
        item.consented_by, item.consented_at = lead.id, clock.now()
        db.session.flush()
    return item


def withdraw(item: SharedItem) -> SharedItem:
    item.consented_by, item.consented_at = None, None
    db.session.flush()
    return item


def delete_item(item: SharedItem) -> None:
    db.session.delete(item)
    db.session.flush()


def team_items(team_id: str) -> list[SharedItem]:
    return list(db.session.scalars(sa.select(SharedItem).where(SharedItem.team_id == team_id)
                                   .order_by(SharedItem.created_at.desc(), SharedItem.id.desc())))


# ------------------------------------------------------------------------------------------------
# the library
# ------------------------------------------------------------------------------------------------
def visible_item(access: Access, role: str, item_id: str) -> SharedItem:
    """A shared item for everyone who browses the library; a draft only inside its team. Anything
    else is missing, so a draft's id reveals nothing."""
    item = db.session.get(SharedItem, item_id)
    if item is None:
        raise not_found("shared item")
    if item.consented_at is not None and access.can_browse_library(role):
        return item
    if access.can_see_shared_drafts(item.team_id):
        return item
    raise not_found("shared item")


def _like(words: str) -> str:
    escaped = words.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _encode_cursor(item: SharedItem) -> str:
    raw = f"{item.consented_at.astimezone(timezone.utc).isoformat()}|{item.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, item_id = raw.split("|", 1)
        return datetime.fromisoformat(at), item_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise validation_error({"cursor": ["That page marker is not one this server gave: start from the first page."]}) from None


def search(*, q: Optional[str], measure: Optional[str], service: Optional[str], cursor: Optional[str],
           limit: int) -> tuple[list[SharedItem], Optional[str]]:
    """Consented items, newest shared first, matching every filter given (case-insensitive: LIKE
    lowers both sides on SQLite, ILIKE on PostgreSQL)."""
    query = sa.select(SharedItem).where(SharedItem.consented_at.is_not(None))
    if q:
        for word in q.split():  # every word somewhere in the title or the text
            pattern = _like(word)
            query = query.where(sa.or_(SharedItem.title.ilike(pattern, escape="\\"),
                                       SharedItem.text.ilike(pattern, escape="\\")))
    if measure:
        query = query.where(SharedItem.measure_name.ilike(_like(measure), escape="\\"))
    if service:
        query = query.where(sa.func.lower(SharedItem.service) == service.strip().lower())
    if cursor:
        at, item_id = _decode_cursor(cursor)
        query = query.where(sa.or_(SharedItem.consented_at < at,
                                   sa.and_(SharedItem.consented_at == at, SharedItem.id < item_id)))
    rows = list(db.session.scalars(query.order_by(SharedItem.consented_at.desc(), SharedItem.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (_encode_cursor(rows[-1]) if more else None)


def facets() -> dict[str, list[str]]:
    shared = SharedItem.consented_at.is_not(None)
    measures = db.session.scalars(sa.select(SharedItem.measure_name).where(shared, SharedItem.measure_name.is_not(None))
                                  .distinct())
    services = db.session.scalars(sa.select(SharedItem.service).where(shared, SharedItem.service.is_not(None)).distinct())
    return {"measures": sorted(set(measures), key=str.casefold), "services": sorted(set(services), key=str.casefold)}


# ------------------------------------------------------------------------------------------------
# what an item shows: names, PDSA cycles and the before/after chart
# ------------------------------------------------------------------------------------------------
def _change_weeks(items: list[SharedItem]) -> dict[str, date]:
    """The week each adopted change was first tested (its first PDSA cycle), else the week it was
    adopted, else the week it was shared."""
    idea_ids = [i.idea_id for i in items if i.idea_id]
    first_cycle = dict(db.session.execute(sa.select(PdsaCycle.idea_id, sa.func.min(PdsaCycle.started_on))
                                          .where(PdsaCycle.idea_id.in_(idea_ids)).group_by(PdsaCycle.idea_id)).all()) if idea_ids else {}
    adopted = dict(db.session.execute(sa.select(IdeaMove.idea_id, sa.func.max(IdeaMove.moved_at))
                                      .where(IdeaMove.idea_id.in_(idea_ids), IdeaMove.to_status == "adopted")
                                      .group_by(IdeaMove.idea_id)).all()) if idea_ids else {}
    weeks = {}
    for item in items:
        if item.idea_id in first_cycle:
            day = first_cycle[item.idea_id]
        elif item.idea_id in adopted:
            moved = adopted[item.idea_id]
            day = clock.london_day(moved if moved.tzinfo else moved.replace(tzinfo=timezone.utc))
        else:
            day = clock.london_day(item.created_at if item.created_at.tzinfo else item.created_at.replace(tzinfo=timezone.utc))
        weeks[item.id] = week_start(day)
    return weeks


def _mean(values: list[float]) -> Optional[float]:
    return round(sum(values) / len(values), 2) if values else None


def _charts(items: list[SharedItem]) -> dict[str, dict[str, Any]]:
    with_measure = [i for i in items if i.measure_id]
    if not with_measure:
        return {}
    measures = {m.id: m for m in db.session.scalars(sa.select(Measure).where(
        Measure.id.in_({i.measure_id for i in with_measure})))}
    changes = _change_weeks(with_measure)
    values: dict[str, list[MeasureValue]] = {}
    for v in db.session.scalars(sa.select(MeasureValue).where(MeasureValue.measure_id.in_(measures))
                                .order_by(MeasureValue.week_start)):
        values.setdefault(v.measure_id, []).append(v)
    charts = {}
    for item in with_measure:
        measure = measures.get(item.measure_id)
        if measure is None or measure.team_id != item.team_id:
            continue
        change = changes[item.id]
        first, last = change - timedelta(weeks=WEEKS_BEFORE), change + timedelta(weeks=WEEKS_AFTER - 1)
        points = [{"week_start": v.week_start, "value": v.value, "phase": "before" if v.week_start < change else "after"}
                  for v in values.get(measure.id, []) if first <= v.week_start <= last]
        charts[item.id] = {
            "measure_id": measure.id, "measure_name": item.measure_name or measure.name, "unit": measure.unit,
            "direction": measure.direction, "change_week": change, "points": points,
            "before_mean": _mean([p["value"] for p in points if p["phase"] == "before"]),
            "after_mean": _mean([p["value"] for p in points if p["phase"] == "after"]),
        }
    return charts


def _cycles(items: list[SharedItem]) -> dict[str, list[PdsaCycle]]:
    idea_ids = {i.idea_id for i in items if i.idea_id}
    found: dict[str, list[PdsaCycle]] = {}
    if idea_ids:
        for c in db.session.scalars(sa.select(PdsaCycle).where(PdsaCycle.idea_id.in_(idea_ids))
                                    .order_by(PdsaCycle.started_on, PdsaCycle.created_at)):
            found.setdefault(c.idea_id, []).append(c)
    return found


def described(items: list[SharedItem], *, with_cycles: bool = True) -> list[dict[str, Any]]:
    """Items as the API shows them, in a fixed number of queries however many there are."""
    if not items:
        return []
    people = {i.author_id for i in items} | {i.consented_by for i in items if i.consented_by}
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(people))).all())
    teams = {t.id: (t.name, board) for t, board in db.session.execute(
        sa.select(Team, Board.name).join(Board, Board.id == Team.board_id).where(Team.id.in_({i.team_id for i in items})))}
    board_names = dict(db.session.execute(sa.select(Board.id, Board.name).where(Board.id.in_({i.board_id for i in items}))).all())
    charts = _charts(items)
    cycles = _cycles(items) if with_cycles else {}
    out = []
    for i in items:
        out.append({
            "id": i.id, "kind": i.kind, "team_id": i.team_id, "team_name": teams.get(i.team_id, ("", ""))[0],
            "board_id": i.board_id, "board_name": board_names.get(i.board_id, ""), "service": i.service,
            "idea_id": i.idea_id, "measure_id": i.measure_id, "measure_name": i.measure_name,
            "title": i.title, "text": i.text, "author_id": i.author_id, "author_name": names.get(i.author_id, ""),
            "created_at": i.created_at, "shared": i.consented_at is not None, "consented_by": i.consented_by,
            "consented_by_name": names.get(i.consented_by) if i.consented_by else None, "consented_at": i.consented_at,
            "chart": charts.get(i.id),
            "cycles": [{"started_on": c.started_on, "plan": c.plan, "do": c.do, "study": c.study, "act": c.act}
                       for c in cycles.get(i.idea_id, [])] if i.idea_id else [],
        })
    return out


# ------------------------------------------------------------------------------------------------
# adopt and adapt
# ------------------------------------------------------------------------------------------------
def adopted_idea_id(item_id: str, team_id: str) -> str:
    return str(uuid.uuid5(ADOPTED_IDEA_NAMESPACE, f"{item_id}/{team_id}"))


def _provenance(item: SharedItem, team_name: str, board_name: str) -> str:
    return f"Adopted from the Valueboard library: “{item.title}”, shared by {team_name} ({board_name})."


def _description(item: SharedItem, source: str) -> str:
    # The idea's description holds what was shared and where it came from, within the idea's limit
    # (characters as people count them; the shared text is cut, never the note of where it came from).
    from server.core.schemas import characters

    if not item.text:
        return source
    room = TEXT_MAX - characters(source) - 2
    body = item.text
    if characters(body) > room:
        body = body[:max(room - 1, 0)].rstrip() + "…"
        while characters(body) > room and len(body) > 1:
            body = body[:-2] + "…"
    return f"{body}\n\n{source}"


def adopt_item(item: SharedItem, team: Team, user: User) -> tuple[Idea, bool]:
    """Copy the shared change into ``team``'s ideas (status ``new``, to test), through the sync
    engine as ``user``'s server client so the team's devices pull it like any other idea. Commits."""
    from server.sync_api.operations import write_as_server

    idea_id = adopted_idea_id(item.id, team.id)
    existing = db.session.get(Idea, idea_id)
    if existing is not None:
        return existing, False
    source_team = db.session.get(Team, item.team_id)
    source_board = db.session.get(Board, item.board_id)
    fields = {"team_id": team.id, "title": item.title, "status": "new", "raised_on": clock.today().isoformat(),
              "description": _description(item, _provenance(item, source_team.name if source_team else "another team",
                                                            source_board.name if source_board else "another board"))}
    [result] = write_as_server(user, [{"collection": IDEAS, "record_id": idea_id, "op": "upsert", "fields": fields}],
                               batch_size=1)
    if result["status"] != "applied":
        # The id is the team's one id for this item, so the likely cause is that the team adopted it
        # before and deleted that idea (its id stays a tombstone).
        raise conflict("not_adopted", "Your team adopted this change before and then deleted that idea: "
                                      "add it as a new idea on your board if you want to test it again.")
    idea = db.session.get(Idea, idea_id)
    if idea is None:  # applied but not projected: never expected, refused rather than answered half-done
        raise conflict("not_adopted", "The idea could not be added to the team's ideas.")
    return idea, True
