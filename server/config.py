"""Configuration read from environment variables, with defaults that are safe to run as they are."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# The browsers' push services (Chrome, Firefox, Edge, Safari): subscriptions elsewhere are refused,
# so the server never sends a request to a host a client chose.
DEFAULT_PUSH_SERVICE_HOSTS = ("fcm.googleapis.com,updates.push.services.mozilla.com,*.push.services.mozilla.com,"
                              "*.notify.windows.com,web.push.apple.com,*.push.apple.com")


def normalise_database_url(url: str) -> str:
    """Hosting platforms hand out ``postgres://`` URLs; SQLAlchemy needs the driver named."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance_path: Path, production: bool) -> str:
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    if production:
        raise RuntimeError("SECRET_KEY must be set when VALUEBOARD_ENV=production")
    # Generated once and kept, so restarts keep the same key without anyone inventing one.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def _clock_start(production: bool) -> str | None:
    start = os.environ.get("VALUEBOARD_CLOCK_START") or None
    if start and production:
        raise RuntimeError("VALUEBOARD_CLOCK_START is for test servers; it must not be set in production")
    return start


def _database_url(instance_path: Path, production: bool) -> str:
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return normalise_database_url(configured)
    if production:
        # Quietly falling back to a file beside the code would split the data between web processes
        # and lose it with the next deploy.
        raise RuntimeError("DATABASE_URL must be set when VALUEBOARD_ENV=production (a PostgreSQL database)")
    return f"sqlite:///{instance_path / 'valueboard.db'}"


def from_environment(instance_path: Path) -> dict:
    production = os.environ.get("VALUEBOARD_ENV", "development") == "production"
    return {
        "VALUEBOARD_ENV": "production" if production else "development",
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path, production),
        "SECRET_KEY": _secret_key(instance_path, production),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "RATE_LIMITS": os.environ.get("RATE_LIMITS", "on").lower() != "off",
        # Sign-in throttling (server.accounts.operations.check_not_throttled): failures per account
        # from one source (an address, or one of the account's own devices), per address from
        # unknown devices, both within the window; and per account from unknown devices within the
        # account window, beyond which each try waits LOGIN_SLOWDOWN_SECONDS, doubled per failure.
        "LOGIN_FAILURES_PER_SOURCE": _int("LOGIN_FAILURES_PER_SOURCE", 5),
        "LOGIN_FAILURES_PER_ADDRESS": _int("LOGIN_FAILURES_PER_ADDRESS", 30),
        "LOGIN_FAILURE_WINDOW_SECONDS": _int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60),
        "LOGIN_FAILURES_PER_ACCOUNT": _int("LOGIN_FAILURES_PER_ACCOUNT", 100),
        "LOGIN_ACCOUNT_WINDOW_SECONDS": _int("LOGIN_ACCOUNT_WINDOW_SECONDS", 60 * 60),
        "LOGIN_SLOWDOWN_SECONDS": _int("LOGIN_SLOWDOWN_SECONDS", 60),
        "TOKEN_IDLE_DAYS": _int("TOKEN_IDLE_DAYS", 90),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # A test server's clock starts here and ticks on (server.core.clock); never in production.
        "CLOCK_START": _clock_start(production),
        # "json": one JSON object per log line (the default in production); "text" otherwise.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT") or None,
        "PWA_DIST": os.environ.get("PWA_DIST") or str(ROOT / "pwa" / "dist"),
        # argon2id defaults from argon2-cffi (RFC 9106 low-memory profile).
        "ARGON2_TIME_COST": _int("ARGON2_TIME_COST", 3),
        "ARGON2_MEMORY_KIB": _int("ARGON2_MEMORY_KIB", 64 * 1024),
        # Web Push (server/notifications): unset, a key is made on first use and kept in the database.
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY") or None,
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT") or "mailto:valueboard@localhost",
        "PUSH_SERVICE_HOSTS": os.environ.get("PUSH_SERVICE_HOSTS") or DEFAULT_PUSH_SERVICE_HOSTS,
        # The delivery worker (server/notifications/delivery.py): the Procfile's ``worker`` process, or a
        # thread of the web process when PUSH_WORKER_IN_PROCESS is on (scripts/run: one command).
        "PUSH_WORKER_IN_PROCESS": os.environ.get("PUSH_WORKER_IN_PROCESS", "off").lower() in ("1", "on", "true", "yes"),
        "PUSH_REQUEST_TIMEOUT_SECONDS": _int("PUSH_REQUEST_TIMEOUT_SECONDS", 10),
        # Real push services answer in tens of milliseconds, so sends overlap in threads; the CPU cost
        # (encryption) is ~2 ms a push (bench/push_delivery.py).
        "PUSH_WORKER_THREADS": _int("PUSH_WORKER_THREADS", 16),
        # Links in invitations: the address people open the app at (unset: the address the request came to).
        "APP_URL": os.environ.get("APP_URL") or None,
        # E-mail (server/core/mail.py): unset MAIL_SERVER, invitations are only shown to whoever made them.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "on").lower() in ("1", "on", "true", "yes"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM") or "valueboard@localhost",
        "MAIL_TIMEOUT_SECONDS": _int("MAIL_TIMEOUT_SECONDS", 10),
    }
