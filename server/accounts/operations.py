"""Writes for accounts. Operations flush, never commit: the route owns the transaction."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from server.accounts.auth import new_token
from server.accounts.models import DISPLAY_ROLE, Device, LoginFailure, User, normalise_email
from server.accounts.passwords import burn_verification_time, hash_password, verify_password
from server.core.errors import ApiError, conflict, forbidden, not_found
from server.core import clock
from server.core.database import begin_write
from server.extensions import db


def create_user(*, email: str, name: str, password: str, role: str) -> User:
    normalised = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email_normalised == normalised)):
        raise conflict("email_taken", "A user with that email address already exists.")
    user = User(
        email=email.strip(), email_normalised=normalised, name=name.strip(), password_hash=hash_password(password), role=role
    )
    db.session.add(user)
    db.session.flush()
    return user


def _failure_counts(normalised_email: str, address: str) -> tuple[int, int]:
    since = clock.now() - timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    recent = sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    per_account = db.session.scalar(recent.where(LoginFailure.email_normalised == normalised_email)) or 0
    per_address = db.session.scalar(recent.where(LoginFailure.address == address)) or 0
    return per_account, per_address


def _check_not_throttled(normalised_email: str, address: str) -> None:
    if not current_app.config["RATE_LIMITS"]:
        return
    per_account, per_address = _failure_counts(normalised_email, address)
    config = current_app.config
    if per_account >= config["LOGIN_FAILURES_PER_ACCOUNT"] or per_address >= config["LOGIN_FAILURES_PER_ADDRESS"]:
        window = config["LOGIN_FAILURE_WINDOW_SECONDS"]
        raise ApiError(
            429,
            "rate_limited",
            "Too many failed sign-in attempts. Wait a few minutes and try again.",
            headers={"Retry-After": str(window)},
        )


def authenticate(*, email: str, password: str, address: str) -> User | None:
    """The user whose password this is, or None; the same time and answer whether or not the email exists."""
    normalised = normalise_email(email)
    _check_not_throttled(normalised, address)
    user = db.session.scalar(sa.select(User).where(User.email_normalised == normalised))
    if user is None:
        burn_verification_time(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def record_login_failure(*, email: str, address: str) -> None:
    begin_write(db.session())  # the sign-in's reads are done: see server.accounts.auth.writes_take_the_lock
    now = clock.now()
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - window))
    db.session.add(LoginFailure(email_normalised=normalise_email(email), address=address, at=now))


def invalid_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "That email and password do not match an account.")


def register_device(user: User, device_name: str) -> tuple[str, Device]:
    begin_write(db.session())  # the sign-in's reads are done: see server.accounts.auth.writes_take_the_lock
    token, token_hash = new_token()
    device = Device(user_id=user.id, name=device_name.strip(), token_hash=token_hash, last_seen_at=clock.now())
    db.session.add(device)
    db.session.flush()
    return token, device


def revoke_device(device: Device) -> None:
    if device.revoked_at is None:
        device.revoked_at = clock.now()


def refuse_display(caller: User) -> None:
    """A ward TV must not be signed out by whoever walks past it: only a lead or an admin does that."""
    if caller.role == DISPLAY_ROLE:
        raise forbidden("A board display is signed out by the team's lead or an administrator.")


def revoke_device_by_id(*, caller: User, device_id: str) -> Device:
    device = db.session.get(Device, device_id)
    # Someone else's device is "not found" to a non-admin, so device ids reveal nothing.
    if device is None or (device.user_id != caller.id and caller.role != "admin"):
        raise not_found("device")
    revoke_device(device)
    return device


def devices_of(user: User) -> list[Device]:
    return list(db.session.scalars(sa.select(Device).where(Device.user_id == user.id).order_by(Device.created_at)))


def list_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.name)))
