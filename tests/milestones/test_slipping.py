"""The scheduled check tells a team's coach and leads once of a new signal, a stale box score, a
missed huddle and overdue actions, whatever how often it runs (both databases)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from server.core import clock
from server.extensions import db
from server.milestones.slipping import check_teams
from server.notifications.models import Notification
from tests.measures.boxscore_testkit import Device, new_id, upsert
from tests.milestones.test_milestones import NOW, measure, weekly_values  # noqa: F401 (NOW: where the frozen fixture stands the clock)


def news(user) -> list[tuple[str, str]]:
    db.session.expire_all()
    return sorted((n.type, n.title) for n in db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id, Notification.type != "milestone")))


def test_a_slipping_team_is_told_once_each(app, frozen, make_team, make_user, login):  # noqa: F811
    team = make_team(name="Ward 9")
    lead_user, coach = make_user(team=team, team_role="lead"), make_user("coach", coach_of=[team])
    quiet_team = make_team(name="Ward 10")  # nobody to tell: never checked
    make_user(team=quiet_team)
    lead = Device(login(lead_user))
    today = clock.today()
    monday = today - timedelta(days=today.weekday())
    falls = measure(team, "performance")
    lead.push(falls, *weekly_values(team, falls["record_id"], [10.0, 11.0] * 6 + [40.0]))
    lead.push(upsert("huddles", new_id(), team_id=team.id, held_on=(monday - timedelta(weeks=3)).isoformat(),
                     attendee_count=6, manager_present=False, finance_present=False),
              upsert("actions", new_id(), team_id=team.id, title="Book estates", status="open",
                     due_on=(today - timedelta(days=2)).isoformat()),
              upsert("actions", new_id(), team_id=team.id, title="Done already", status="done",
                     due_on=(today - timedelta(days=9)).isoformat()))
    check_teams()
    check_teams()  # again, as the worker does every few minutes: nothing twice
    expected = [("actions_overdue", "Ward 9: 1 action overdue"),
                ("huddle_missed", "Ward 9: weekly huddle missed"),
                ("signal", "Ward 9: A performance measure shows improvement")]
    assert news(coach) == expected and news(lead_user) == expected

    # Two weeks on with nothing added: the box score is stale; the same signal is not news again.
    frozen.advance(weeks=2)
    check_teams()
    assert ("box_score_stale", "Ward 9: box score not updated") in news(coach)
    assert [t for t, _ in news(coach)].count("signal") == 1


def test_the_delivery_worker_runs_the_check_every_five_minutes(app):
    from server.notifications.delivery import PERIODIC, _run_periodic

    assert (timedelta(minutes=5), check_teams) in app.extensions[PERIODIC]  # beside other features' checks
    runs = []
    app.extensions[PERIODIC] = [(timedelta(minutes=5), lambda: runs.append("checked"))]
    due: dict = {}
    for now in (1000.0, 1299.0, 1300.0, 1301.0):  # monotonic seconds, as the worker's loop passes them
        _run_periodic(due, now)
    assert runs == ["checked", "checked"]
