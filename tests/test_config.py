import pytest

from server.config import from_environment, normalise_database_url


@pytest.mark.parametrize("given,expected", [
    ("postgres://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
    ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_urls_from_hosting_platforms_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


def test_default_database_is_sqlite_under_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = from_environment(tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'valueboard.db'}"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(tmp_path)["SECRET_KEY"]
    assert len(first) >= 64 and from_environment(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("VALUEBOARD_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/d")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        from_environment(tmp_path)


def test_rate_limits_off_switch_and_bad_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("RATE_LIMITS", "off")
    assert from_environment(tmp_path)["RATE_LIMITS"] is False
    monkeypatch.setenv("LOGIN_FAILURES_PER_ACCOUNT", "five")
    with pytest.raises(RuntimeError, match="LOGIN_FAILURES_PER_ACCOUNT"):
        from_environment(tmp_path)


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    from server import create_app
    from server.extensions import db
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        db.engine.dispose()


def test_production_refuses_to_start_without_a_database_url(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "set")
    monkeypatch.setenv("VALUEBOARD_ENV", "production")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL must be set"):
        from_environment(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/d")
    assert from_environment(tmp_path)["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/d"


def test_seed_demo_refuses_in_production_and_creates_nobody(app):
    import sqlalchemy as sa

    from server.accounts.models import User
    from server.extensions import db

    app.config["VALUEBOARD_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuses to run when VALUEBOARD_ENV=production" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
