"""Fixtures shared by every server test: a migrated database per backend, a fresh app per test, factories.

Every test that uses ``app`` runs twice, on SQLite and on PostgreSQL (``VALUEBOARD_TEST_DATABASES``
narrows that, e.g. ``sqlite`` for a quick loop). PostgreSQL being down is an error, not a skip: CI
must prove both.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from server import create_app
from server.extensions import db

POSTGRES_ADMIN_URL = os.environ.get("VALUEBOARD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b for b in os.environ.get("VALUEBOARD_TEST_DATABASES", "sqlite,postgresql").split(",") if b]

# Cheap password hashing: tests check behaviour, not the KDF's cost.
TEST_CONFIG = {"TESTING": True, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 64, "RATE_LIMITS": True,
               "SECRET_KEY": "test-secret", "PWA_DIST": str(Path(__file__).parent / "no-pwa-build")}


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


class SqliteDatabases:
    """A migrated template file, copied per test: a fresh database in about a millisecond."""

    name = "sqlite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.db"
        _migrate(f"sqlite:///{self.template}")

    def fresh_url(self) -> str:
        path = self.folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def release(self, url: str) -> None:
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


class PostgresDatabases:
    """One migrated database per test worker, emptied after each test (faster than creating one per test)."""

    name = "postgresql"

    def __init__(self, worker: str) -> None:
        self.db_name = f"valueboard_test_{worker}_{os.getpid()}"
        self.admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{self.db_name}"'))
        self.url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.db_name
        _migrate(self.url)
        engine = sa.create_engine(self.url)
        with engine.connect() as conn:
            tables = conn.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename != 'alembic_version'")
            ).scalars().all()
        engine.dispose()
        self.truncate = "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"

    def fresh_url(self) -> str:
        return self.url

    def release(self, url: str) -> None:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(self.truncate))
        engine.dispose()

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'))
        self.admin.dispose()


def pytest_collection_modifyitems(config, items):
    """``@pytest.mark.postgres_only`` tests exist only in their PostgreSQL variant (deselected, not
    skipped, on SQLite: they test behaviour SQLite cannot have, such as concurrent writers)."""
    keep, drop = [], []
    for item in items:
        backend = getattr(getattr(item, "callspec", None), "params", {}).get("databases")
        (drop if item.get_closest_marker("postgres_only") and backend != "postgresql" else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session", params=BACKENDS)
def databases(request, tmp_path_factory, worker_id):
    if request.param == "sqlite":
        yield SqliteDatabases(tmp_path_factory.mktemp("sqlite"))
    else:
        pg = PostgresDatabases(worker_id)
        yield pg
        pg.drop()


@pytest.fixture
def database_url(databases):
    url = databases.fresh_url()
    yield url
    databases.release(url)


@pytest.fixture
def app_config(database_url):
    """Override in a test module to change settings; the app fixture applies it."""
    return {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url}


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    db.engine.dispose()
    ctx.pop()


# Moments where dates go wrong (tests/vectors/calendar/moments.json, which the PWA's tests read too). A
# date-sensitive test takes the ``moment`` fixture and runs at each, with the server's one clock
# (server/core/clock.py) frozen there; it builds its data relative to the moment, never to the day
# it was written.
CALENDAR = json.loads((Path(__file__).parent / "vectors" / "calendar" / "moments.json").read_text())["moments"]
MOMENTS = {name: moment["instant"] for name, moment in CALENDAR.items()}


@pytest.fixture(params=list(MOMENTS.values()), ids=list(MOMENTS))
def moment(request, monkeypatch):
    """The server's clock frozen at one of :data:`MOMENTS` (``moment.advance(...)`` moves it)."""
    from server.core import clock

    frozen = clock.FrozenClock(request.param)
    monkeypatch.setattr(clock, "_source", frozen)
    return frozen


@pytest.fixture
def frozen(request, monkeypatch):
    """The server's one clock frozen at the test module's ``NOW`` (``frozen.advance(...)`` moves it)."""
    from server.core import clock

    frozen = clock.FrozenClock(request.module.NOW)
    monkeypatch.setattr(clock, "_source", frozen)
    return frozen


@pytest.fixture
def client(app):
    return app.test_client()


@dataclass
class ApiClient:
    """A test client that sends one device's bearer token with every request."""

    flask_client: object
    token: str
    device_id: str
    user: dict

    def _call(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return getattr(self.flask_client, method)(path, headers=headers, **kwargs)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, **kw):
        return self._call("post", path, **kw)

    def put(self, path, **kw):
        return self._call("put", path, **kw)

    def patch(self, path, **kw):
        return self._call("patch", path, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)


PASSWORD = "correct horse battery"


@pytest.fixture
def make_board(app):
    from server.organisations.operations import create_board

    def make(name: str | None = None):
        board = create_board(name=name or f"Board {uuid.uuid4().hex[:8]}")
        db.session.commit()
        return board

    return make


@pytest.fixture
def make_team(app, make_board):
    from server.organisations.operations import create_team

    def make(board=None, name: str | None = None, **settings):
        board = board or make_board()
        team = create_team(board_id=board.id, name=name or f"Team {uuid.uuid4().hex[:8]}", **settings)
        db.session.commit()
        return team

    return make


@pytest.fixture
def make_user(app):
    """make_user(role="staff", team=t, team_role="member"|"lead", coach_of=[t]) -> User"""
    from server.accounts.operations import create_user
    from server.organisations.operations import assign_coach, set_membership

    def make(role: str = "staff", *, team=None, team_role: str = "member", coach_of=(), email=None, name=None):
        tag = uuid.uuid4().hex[:8]
        user = create_user(email=email or f"user-{tag}@example.org", name=name or f"User {tag}", password=PASSWORD,
                           role=role)
        if team is not None:
            set_membership(team, user.id, team_role)
        for coached in coach_of:
            assign_coach(coached, user.id)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(app):
    """login(user, device_name=...) -> ApiClient signed in on a new device."""

    def sign_in(user, device_name: str = "Test phone") -> ApiClient:
        flask_client = app.test_client()
        response = flask_client.post(
            "/api/auth/login", json={"email": user.email, "password": PASSWORD, "device_name": device_name}
        )
        assert response.status_code == 200, response.json
        body = response.json
        return ApiClient(flask_client, body["token"], body["device_id"], body["user"])

    return sign_in


@pytest.fixture
def admin(make_user, login):
    return login(make_user("admin"))
