"""seed-demo: every demo team gets a box score and a huddle history of 16 weeks, written through sync; running it again adds nothing."""

from __future__ import annotations

import sqlalchemy as sa

from server.accounts.models import User
from server.accounts.passwords import hash_password
from server.board.models import BoardSettings
from server.capacity.models import DEFAULT_TIME_LOST_CATEGORIES, CapacityEntry, TimeLostCategory
from server.demo import data
from server.demo.seed import seed
from server.extensions import db
from server.measures.boxscore import box_score
from server.organisations.models import Team
from server.rota.operations import rota_view
from server.sync_api.models import SyncRecord
from tests.conftest import PASSWORD


def test_seed_demo_builds_box_scores_and_huddle_histories_once(app, moment, login):
    assert seed() > 4 * len(data.TEAMS) * len(data.MEASURES)
    records = db.session.scalar(sa.select(sa.func.count()).select_from(SyncRecord))
    assert seed() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SyncRecord)) == records
    check_huddle_history()

    ward = db.session.scalar(sa.select(Team).where(Team.name == "Ward 3B Raigmore"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimeLostCategory)
                             .where(TimeLostCategory.team_id == ward.id)) == len(DEFAULT_TIME_LOST_CATEGORIES)
    authors = set(db.session.scalars(sa.select(CapacityEntry.user_id).where(CapacityEntry.team_id == ward.id)))
    assert len(authors) >= 4
    assert db.session.get(BoardSettings, ward.id).aim_capacity == data.BOARD_AIMS["aim_capacity"]
    rota = rota_view(ward)
    assert [len(t["people"]) for t in rota["tasks"]] == [2, 2, 3] and rota["remind_day"] == "tuesday"
    score = box_score(ward, 16)
    rows = {m["name"]: m for g in score["groups"] for m in g["measures"]}
    assert len(rows) == len(data.MEASURES) and all(g["measures"] for g in score["groups"])
    assert all(m["aim"] or m["name"] == "Time in meetings" for m in rows.values())
    assert sum(p["value"] is not None for p in rows["Patients seen"]["series"]) == 16
    assert rows["Patients seen"]["analysis"]["variation"] == "improvement"  # the shift after the test of change
    assert any("outside_limits" in p["rules"] for p in rows["Falls"]["analysis"]["points"])
    assert any("trend" in p["rules"] for p in rows["Did not attend rate"]["analysis"]["points"])
    assert rows["Time lost"]["this_week"] is not None

    from server.coaching.operations import caseload

    coach = db.session.scalar(sa.select(User).where(User.email_normalised == data.COACHES[0][1]))
    followed = {row["team_name"]: row for row in caseload(coach)["teams"]}
    reasons = {name: {r["code"] for r in row["reasons"]} for name, row in followed.items()}
    assert "conversation_overdue" in reasons["Ward 3B Raigmore"]
    assert followed["Community Nursing Inverness West"]["last_note"] is not None
    assert not reasons["Community Nursing Inverness West"] & {"conversation_overdue", "no_conversation"}
    assert "no_conversation" in reasons["Podiatry Highland"]

    member = next(u for u in data.STAFF if u[2] == "Ward 3B Raigmore" and u[3] == "member")
    user = db.session.scalar(sa.select(User).where(User.email_normalised == f"{member[1]}@valueboard.demo"))
    user.password_hash = hash_password(PASSWORD)  # the login fixture signs in with the tests' password
    db.session.commit()
    api = login(user)
    pulled = api.get("/api/sync/pull?limit=1000").json
    assert {c["collection"] for c in pulled["changes"]} >= {"measures", "measure_values", "capacity_entries",
                                                           "time_lost_categories"}


def check_huddle_history() -> None:
    """The demo's huddle history (called by the seed test above, which has seeded)."""
    from datetime import timedelta

    from server.core import clock
    from server.core.weeks import current_week_start, last_weeks
    from server.demo.improvement import MISSED, WEEKS
    from server.huddles.models import Huddle, HuddleNote
    from server.improvement.models import IDEA_STATUSES, Action, Idea, IdeaMove, PdsaCycle
    from server.organisations.models import WEEKDAYS

    ward = db.session.scalar(sa.select(Team).where(Team.name == "Ward 3B Raigmore"))
    tuesday = WEEKDAYS.index(ward.huddle_day)
    expected = [m + timedelta(days=tuesday) for n, m in enumerate(last_weeks(WEEKS, current_week_start()))
                if n not in MISSED and m + timedelta(days=tuesday) <= clock.today()]
    held = sorted(db.session.scalars(sa.select(Huddle.held_on).where(Huddle.team_id == ward.id)))
    assert held == expected  # two weeks missed; this week's may be still to come
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HuddleNote).where(HuddleNote.team_id == ward.id)) >= 3 * len(held)
    statuses = set(db.session.scalars(sa.select(Idea.status).where(Idea.team_id == ward.id)))
    assert statuses == set(IDEA_STATUSES)
    decided = set(db.session.scalars(sa.select(PdsaCycle.act).where(PdsaCycle.team_id == ward.id)))
    assert decided == {"adopt", "adapt", "abandon", None}
    overdue = db.session.scalars(sa.select(Action.title).where(
        Action.team_id == ward.id, Action.status == "open", Action.due_on < clock.today())).all()
    assert "Book estates to move the shelving" in overdue
    # each move is dated at the huddle it was made in, not when the seed ran
    first_move = db.session.scalar(sa.select(sa.func.min(IdeaMove.moved_at)).where(IdeaMove.team_id == ward.id))
    assert first_move.date() == held[0]
