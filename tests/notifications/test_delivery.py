"""Delivering queued notifications to a push service (``server/notifications/delivery.py``), in process,
with the server's clock frozen and moved by the tests (retries and expiry wait for the clock, not for
real time). The push service checks every request (VAPID, TTL, encryption): see push_service.py."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest
import sqlalchemy as sa

from server.core import clock
from server.core.database import begin_write
from server.extensions import db
from server.notifications import delivery
from server.notifications.models import Notification, PushDelivery, PushSubscription
from server.notifications.operations import notify_team

START = "2027-03-10T10:00:00Z"  # a Wednesday morning, outside anyone's quiet hours


@pytest.fixture
def frozen(monkeypatch):
    frozen = clock.FrozenClock(START)
    monkeypatch.setattr(clock, "_source", frozen)
    return frozen


def _event(team_id: str, key: str = "e1", ttl: timedelta = timedelta(hours=3)) -> None:
    begin_write(db.session())  # as the sync push and the write requests that raise events do
    notify_team(team_id, type="actions_overdue", key=key, title="Actions overdue", body="Two actions are overdue.",
                url=f"/teams/{team_id}/actions", ttl=ttl)
    db.session.commit()


def _deliveries() -> list[PushDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(PushDelivery).order_by(PushDelivery.created_at, PushDelivery.id)))


def test_a_milestone_is_delivered_once_with_its_payload(frozen, subscribed, push_service):
    s = subscribed()
    response = s.api.post(f"/api/teams/{s.team.id}/milestones/vision_agreed")
    assert response.status_code == 201, response.json

    counts = delivery.deliver_due()

    assert counts["delivered"] == 1 and counts["sent"] == 1
    [got] = push_service.to(s.subscriber)
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == s.coach.id,
                                                           Notification.code == "vision_agreed"))
    assert got.payload == {"id": note.id, "type": "milestone", "team_id": s.team.id, "code": "vision_agreed",
                           "title": note.title, "body": note.body, "url": f"/teams/{s.team.id}/board"}
    assert got.payload["url"].startswith("/")
    assert got.ttl == 7 * 24 * 3600  # the clock stood still: all of the milestone's week is left
    assert got.claims["aud"] == push_service.origin and got.claims["sub"].startswith("mailto:")
    [row] = _deliveries()
    assert (row.state, row.attempts, row.last_status, row.delivered_at, row.leased_until) == \
        ("delivered", 1, 201, frozen.now(), None)
    # Nothing more to send: the same event is never sent again.
    assert delivery.deliver_due()["sent"] == 0
    assert s.api.post(f"/api/teams/{s.team.id}/milestones/vision_agreed").status_code == 200
    assert delivery.deliver_due()["sent"] == 0
    assert len(push_service.received) == 1


def test_the_ttl_sent_is_what_is_left_of_the_notifications(frozen, subscribed, push_service):
    s = subscribed()
    _event(s.team.id, ttl=timedelta(hours=3))
    push_service.answer(s.subscriber, 503)
    delivery.deliver_due()
    frozen.advance(minutes=30)
    delivery.deliver_due()
    assert [r.ttl for r in push_service.to(s.subscriber)] == [3 * 3600, int(2.5 * 3600)]


def test_each_subscription_of_each_recipient_gets_its_own_push(frozen, subscribed, push_service, make_user, login):
    s = subscribed()
    lead = make_user("staff", team=s.team, team_role="lead")
    phone, tablet = push_service.subscriber(), push_service.subscriber()
    for sub in (phone, tablet):
        assert login(lead).post("/api/push/subscriptions", json=sub.json()).status_code == 201
    _event(s.team.id)

    assert delivery.deliver_due()["delivered"] == 3
    assert [len(push_service.to(x)) for x in (s.subscriber, phone, tablet)] == [1, 1, 1]


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(frozen, subscribed, push_service, status):
    s = subscribed()
    push_service.answer(s.subscriber, status)
    _event(s.team.id)

    counts = delivery.deliver_due()

    assert counts["gone"] == 1
    assert db.session.get(PushSubscription, s.subscription_id) is None
    assert _deliveries() == []
    assert s.api.get("/api/push/subscriptions").json["subscriptions"] == []
    # Later events find no subscription to queue for.
    _event(s.team.id, key="e2")
    assert delivery.deliver_due()["sent"] == 0


@pytest.mark.parametrize("status", [503, 500, 429])
def test_an_unavailable_push_service_is_retried_with_backoff_then_delivered_once(frozen, subscribed, push_service,
                                                                                  status):
    s = subscribed()
    push_service.answer(s.subscriber, status, status)
    _event(s.team.id)
    start = frozen.now()

    assert delivery.deliver_due()["retry"] == 1
    [row] = _deliveries()
    assert (row.state, row.attempts, row.last_status, row.next_attempt_at) == \
        ("pending", 1, status, start + timedelta(seconds=5))
    assert delivery.deliver_due()["sent"] == 0  # not due yet

    frozen.advance(seconds=5)
    assert delivery.deliver_due()["retry"] == 1
    [row] = _deliveries()
    assert row.next_attempt_at == frozen.now() + timedelta(seconds=10)  # the back-off doubles
    frozen.advance(seconds=9)
    assert delivery.deliver_due()["sent"] == 0
    frozen.advance(seconds=1)
    assert delivery.deliver_due()["delivered"] == 1

    assert [r.status for r in push_service.to(s.subscriber)] == [status, status, 201]
    [row] = _deliveries()
    assert (row.state, row.attempts, row.last_status) == ("delivered", 3, 201)
    frozen.advance(hours=1)
    assert delivery.deliver_due()["sent"] == 0


@pytest.mark.parametrize("form", ["seconds", "http-date"])
def test_retry_after_from_the_push_service_is_obeyed(frozen, subscribed, push_service, form):
    s = subscribed()
    wait = timedelta(seconds=120)
    value = "120" if form == "seconds" else format_datetime(frozen.now() + wait, usegmt=True)
    push_service.answer(s.subscriber, (503, {"Retry-After": value}))
    _event(s.team.id)

    assert delivery.deliver_due()["retry"] == 1
    [row] = _deliveries()
    assert row.next_attempt_at == frozen.now() + wait
    frozen.advance(seconds=119)
    assert delivery.deliver_due()["sent"] == 0
    frozen.advance(seconds=1)
    assert delivery.deliver_due()["delivered"] == 1
    assert [r.status for r in push_service.to(s.subscriber)] == [503, 201]
    assert _deliveries()[0].state == "delivered"


def test_an_unreachable_push_service_is_retried(frozen, subscribed, push_service, app):
    s = subscribed()
    _event(s.team.id)
    # The push service is down: nothing listens at its address.
    push_service.stop()
    assert delivery.deliver_due()["retry"] == 1
    [row] = _deliveries()
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, None)


def test_a_notification_nobody_could_take_before_its_ttl_expires(frozen, subscribed, push_service):
    s = subscribed()
    push_service.answer(s.subscriber, *([503] * 50))
    _event(s.team.id, ttl=timedelta(hours=1))
    expires = frozen.now() + timedelta(hours=1)

    for _ in range(50):
        delivery.deliver_due()
        [row] = _deliveries()
        if row.state != "pending":
            break
        frozen.set(max(row.next_attempt_at, frozen.now()))
    assert (row.state, row.last_status) == ("expired", 503)
    sent = push_service.to(s.subscriber)
    assert 3 <= len(sent) < 50 and all(r.status == 503 for r in sent)
    assert all(0 < r.ttl <= 3600 for r in sent)
    frozen.set(expires + timedelta(days=1))
    assert delivery.deliver_due()["sent"] == 0
    assert len(push_service.to(s.subscriber)) == len(sent)


def test_a_notification_held_past_its_ttl_expires_unsent(frozen, subscribed, push_service):
    s = subscribed()
    _event(s.team.id, ttl=timedelta(minutes=10))
    frozen.advance(minutes=10)
    counts = delivery.deliver_due()
    assert (counts["sent"], counts["expired"]) == (0, 1)
    assert _deliveries()[0].state == "expired"
    assert push_service.received == []


def test_a_refused_request_is_not_retried(frozen, subscribed, push_service):
    s = subscribed()
    push_service.answer(s.subscriber, 413)
    _event(s.team.id)
    assert delivery.deliver_due()["failed"] == 1
    frozen.advance(hours=1)
    assert delivery.deliver_due()["sent"] == 0
    [row] = _deliveries()
    assert (row.state, row.last_status) == ("failed", 413)


def test_a_leased_row_waits_for_its_lease_to_run_out(frozen, subscribed, push_service, app):
    """What a worker killed after leasing leaves behind: no other worker sends it until the lease ends,
    then it is sent and recorded once."""
    s = subscribed()
    _event(s.team.id)
    jobs, _ = delivery.lease(10, timedelta(seconds=30))  # ...and the worker dies here
    assert len(jobs) == 1
    assert delivery.deliver_due()["sent"] == 0
    frozen.advance(seconds=29)
    assert delivery.deliver_due()["sent"] == 0
    frozen.advance(seconds=1)
    assert delivery.deliver_due()["delivered"] == 1
    [row] = _deliveries()
    assert (row.state, row.attempts) == ("delivered", 2)
    # The first worker's late answer (had it lived) changes nothing: a retry is fenced on its attempt.
    delivery.record([(jobs[0], delivery.Outcome(status=503))])
    assert _deliveries()[0].state == "delivered"


def test_a_late_retry_answer_does_not_undo_another_workers_lease(frozen, subscribed, push_service):
    s = subscribed()
    _event(s.team.id)
    first, _ = delivery.lease(10, timedelta(seconds=30))
    frozen.advance(seconds=31)
    second, _ = delivery.lease(10, timedelta(seconds=30))
    delivery.record([(first[0], delivery.Outcome(status=503))])  # the first worker's answer, late
    [row] = _deliveries()
    assert (row.attempts, row.leased_until) == (2, frozen.now() + timedelta(seconds=30))
    delivery.record([(second[0], delivery.Outcome(status=201))])
    assert _deliveries()[0].state == "delivered"


def test_quiet_hours_hold_the_push_until_they_end(frozen, subscribed, push_service):
    s = subscribed()
    # 10:00 UTC in March is 10:00 in London.
    assert s.api.put("/api/notification-settings", json={"quiet_hours_start": "09:00", "quiet_hours_end": "12:00",
                                                         "off": []}).status_code == 200
    _event(s.team.id, ttl=timedelta(hours=6))
    assert delivery.deliver_due()["sent"] == 0
    frozen.advance(hours=2)
    assert delivery.deliver_due()["delivered"] == 1
    assert push_service.to(s.subscriber)[0].ttl == 4 * 3600


def test_retry_delay_reads_retry_after_in_both_forms():
    now = clock.parse_instant(START)
    outcome = delivery.Outcome
    assert delivery.retry_delay(outcome(503, "30"), 1, now) == timedelta(seconds=30)
    assert delivery.retry_delay(outcome(503, "Wed, 10 Mar 2027 10:01:00 GMT"), 1, now) == timedelta(seconds=60)
    assert delivery.retry_delay(outcome(503, "Wed, 10 Mar 2027 09:00:00 GMT"), 1, now) == timedelta(0)
    assert delivery.retry_delay(outcome(503, "soon"), 3, now) == timedelta(seconds=20)
    assert delivery.retry_delay(outcome(None), 1, now) == timedelta(seconds=5)
    assert delivery.retry_delay(outcome(None), 40, now) == timedelta(hours=1)


@pytest.mark.postgres_only
def test_workers_skip_rows_another_worker_is_leasing(frozen, subscribed, push_service, database_url):
    """Two workers share the queue on PostgreSQL: rows locked by one worker's leasing transaction are
    skipped by the other, not waited for and not taken twice."""
    s = subscribed()
    _event(s.team.id, key="a")
    _event(s.team.id, key="b")
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as other:
            with other.begin():
                locked = other.execute(sa.text("SELECT id FROM push_deliveries ORDER BY id LIMIT 1 FOR UPDATE")).scalar()
                counts = delivery.deliver_due()
            assert counts["delivered"] == 1
            assert {r.id for r in _deliveries() if r.state == "pending"} == {locked}
    finally:
        engine.dispose()
    assert delivery.deliver_due()["delivered"] == 1
    assert len(push_service.received) == 2


def test_push_worker_once_delivers_what_is_due_and_exits(frozen, subscribed, push_service, app):
    s = subscribed()
    _event(s.team.id, key="a")
    _event(s.team.id, key="b")
    push_service.answer(s.subscriber, 503)  # retried 5 s later: not due again before it exits

    result = app.test_cli_runner().invoke(args=["push-worker", "--once"])

    assert result.exit_code == 0, result.output
    assert sorted(r.state for r in _deliveries()) == ["delivered", "pending"]
    assert len(push_service.to(s.subscriber)) == 2
