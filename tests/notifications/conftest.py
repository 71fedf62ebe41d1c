"""Fixtures for Web Push: a push service on 127.0.0.1 and a coach subscribed to it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from server.core import clock
from tests.notifications.push_service import PushService, Subscriber


@pytest.fixture
def app_config(app_config):
    # Subscriptions may point at the local push service (any port).
    return {**app_config, "PUSH_SERVICE_HOSTS": "127.0.0.1"}


@pytest.fixture
def push_service(app):
    """The local push service, checking VAPID tokens against the app's key and the app's clock."""
    key = app.test_client().get("/api/push/vapid-public-key").json["public_key"]
    with PushService(now=clock.timestamp, vapid_public_key=key) as service:
        yield service
    assert service.problems == [], service.problems


@dataclass
class Subscribed:
    team: object
    coach: object
    api: object  # the coach's ApiClient
    subscriber: Subscriber
    subscription_id: str


@pytest.fixture
def subscribed(app, make_team, make_user, login, push_service):
    """A team and its coach, whose phone subscribed to the local push service."""

    def make(team=None) -> Subscribed:
        team = team or make_team()
        coach = make_user("coach", coach_of=[team])
        api = login(coach)
        subscriber = push_service.subscriber()
        response = api.post("/api/push/subscriptions", json=subscriber.json())
        assert response.status_code == 201, response.json
        return Subscribed(team, coach, api, subscriber, response.json["id"])

    return make
