"""Bearer tokens: one per device, long-lived (phones stay offline for days), stored hashed, revocable."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, request

from server.accounts.models import Device, User
from server.core.auth import Session, unauthorized
from server.core.database import begin_write
from server.core.models import utcnow
from server.extensions import db

TOKEN_BYTES = 32
# Writing last_seen_at on every request would turn every read into a write; an hour is precise enough.
LAST_SEEN_RESOLUTION = timedelta(hours=1)
# The PWA shell and the OpenAPI document are public by nature.
PUBLIC_BLUEPRINTS = {"web", "api-docs"}


def new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough, and a stolen table reveals no usable token.
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def _token_query() -> sa.Select:
    # Built once: runs on every API request, and building it cost as much as running it.
    return sa.select(Device, User).join(User, Device.user_id == User.id).where(
        Device.token_hash == sa.bindparam("token_hash"))


def session_for_token(token: str) -> Session | None:
    row = db.session.execute(_token_query(), {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    device, user = row
    if device.revoked_at is not None or not user.active:
        return None
    idle_limit = timedelta(days=current_app.config["TOKEN_IDLE_DAYS"])
    if utcnow() - (device.last_seen_at or device.created_at) > idle_limit:
        return None
    return Session(user=user, device=device)


def authenticate_request() -> None:
    """Runs before every request; ``/api/`` views need a valid token unless marked ``@public``."""
    if not request.path.startswith("/api/") or request.routing_exception is not None:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or request.blueprint in PUBLIC_BLUEPRINTS or getattr(view, "_public", False):
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized()
    session = session_for_token(token.strip())
    if session is None:
        raise unauthorized("This sign-in is no longer valid; sign in again.")
    g.session = session
    now = utcnow()
    if session.device.last_seen_at is None or now - session.device.last_seen_at > LAST_SEEN_RESOLUTION:
        # A short write of its own that, on SQLite, takes the write lock up front: upgrading the
        # token lookup's read transaction fails at once (SQLITE_BUSY, no waiting) if another
        # worker wrote in between, which concurrent pushes from new devices make likely.
        begin_write(db.session)
        session.device.last_seen_at = now
        db.session.commit()
