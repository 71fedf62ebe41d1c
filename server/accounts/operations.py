"""Writes for accounts. Operations flush, never commit: the route owns the transaction."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from server.accounts.auth import new_token
from server.accounts.models import DISPLAY_ROLE, NO_PASSWORD, Device, LoginFailure, User, normalise_email
from server.accounts.passwords import burn_verification_time, hash_password, password_problems, verify_password
from server.audit.operations import record
from server.core.errors import ApiError, conflict, forbidden, not_found, validation_error
from server.core import clock
from server.core.database import begin_write
from server.extensions import db


def create_user(*, email: str, name: str, password: str | None, role: str, must_change_password: bool = False,
                details: dict | None = None) -> User:
    """A new person; without a password they cannot sign in until they accept an invitation."""
    normalised = normalise_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email_normalised == normalised)):
        raise conflict("email_taken", "A user with that email address already exists.")
    user = User(
        email=email.strip(), email_normalised=normalised, name=name.strip(), role=role,
        password_hash=NO_PASSWORD if password is None else hash_password(password),
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    record("user.created", target_type="user", target_id=user.id,
           details={"email": user.email, "name": user.name, "role": role, **(details or {})})
    return user


def user_or_404(user_id: str) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise not_found("user")
    return user


def check_new_password(user: User, password: str, field: str = "password") -> None:
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise validation_error({field: problems}, "Choose another password: " + " ".join(problems))


def set_password(user: User, password: str, *, must_change: bool = False) -> None:
    """The rule is checked first (never stored or logged in clear: only the argon2id hash is kept)."""
    check_new_password(user, password)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change


def change_own_password(*, user: User, device: Device, current: str, new: str, address: str) -> list[str]:
    """The person's own change: the current password proves it is them (counted like a failed sign-in
    when wrong), and every other device is signed out (whoever knew the old password may hold one).
    Returns the ids of the devices signed out."""
    refuse_display(user)
    _check_not_throttled(user.email_normalised, address)
    if not verify_password(user.password_hash, current):
        record_login_failure(email=user.email, address=address, reason="wrong_current_password")
        raise ApiError(422, "wrong_password", "That is not your current password.",
                       fields={"current_password": ["That is not your current password."]})
    check_new_password(user, new, "new_password")
    password_hash = hash_password(new)
    begin_write(db.session())  # the slow hashing is done: see server.accounts.auth.writes_take_the_lock
    user = db.session.get(User, user.id, populate_existing=True)
    user.password_hash = password_hash
    user.must_change_password = False
    others = [d for d in devices_of(user) if d.id != device.id and d.revoked_at is None]
    for other in others:
        revoke_device(other)
    record("password.changed", target_type="user", target_id=user.id,
           details={"devices_signed_out": [d.id for d in others]})
    db.session.flush()
    return [d.id for d in others]


def deactivate_user(user: User, *, caller: User) -> User:
    """They can no longer sign in and every device is revoked (each wipes itself on its next contact);
    the account stays, so their history keeps their name."""
    if user.id == caller.id:
        raise ApiError(422, "cannot_deactivate_self", "You cannot deactivate your own account: ask another administrator.")
    if user.active:
        user.active = False
        revoked = [d.id for d in devices_of(user) if d.revoked_at is None]
        for device in user.devices:
            revoke_device(device)
        record("user.deactivated", target_type="user", target_id=user.id, details={"devices_revoked": revoked})
        db.session.flush()
    return user


def reactivate_user(user: User) -> User:
    """They may sign in again (their old devices stay signed out)."""
    if not user.active:
        user.active = True
        record("user.reactivated", target_type="user", target_id=user.id)
        db.session.flush()
    return user


def _failure_counts(normalised_email: str, address: str) -> tuple[int, int]:
    since = clock.now() - timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    recent = sa.select(sa.func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    per_account = db.session.scalar(recent.where(LoginFailure.email_normalised == normalised_email)) or 0
    per_address = db.session.scalar(recent.where(LoginFailure.address == address)) or 0
    return per_account, per_address


def _check_not_throttled(normalised_email: str, address: str) -> None:
    """Raises 429 (after recording ``sign_in.blocked``: the route commits that before answering)."""
    if not current_app.config["RATE_LIMITS"]:
        return
    per_account, per_address = _failure_counts(normalised_email, address)
    config = current_app.config
    if per_account >= config["LOGIN_FAILURES_PER_ACCOUNT"] or per_address >= config["LOGIN_FAILURES_PER_ADDRESS"]:
        window = config["LOGIN_FAILURE_WINDOW_SECONDS"]
        begin_write(db.session())
        _record_sign_in_event("sign_in.blocked", normalised_email, address)
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
    if user is None or user.password_hash == NO_PASSWORD:  # no account, or one still to accept its invitation
        burn_verification_time(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def _record_sign_in_event(action: str, normalised_email: str, address: str, **details) -> None:
    """A failed or blocked sign-in. The address typed is kept only when it is an account's: people
    type their password into the email field, and the log must never hold a password."""
    user_id = db.session.scalar(sa.select(User.id).where(User.email_normalised == normalised_email))
    record(action, target_type="user", target_id=user_id,
           details={"email": normalised_email if user_id else None, "address": address, **details})


def record_login_failure(*, email: str, address: str, reason: str = "wrong_credentials") -> None:
    begin_write(db.session())  # the sign-in's reads are done: see server.accounts.auth.writes_take_the_lock
    now = clock.now()
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - window))
    db.session.add(LoginFailure(email_normalised=normalise_email(email), address=address, at=now))
    _record_sign_in_event("sign_in.failed", normalise_email(email), address, reason=reason)


def invalid_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "That email and password do not match an account.")


def sign_in(user: User, device_name: str) -> dict:
    """A new device token for ``user``: the answer of every sign-in (login, an accepted invitation)."""
    token, device = register_device(user, device_name)
    record("sign_in.succeeded", target_type="user", target_id=user.id, actor_id=user.id, device_id=device.id,
           details={"device_name": device.name})
    return {"token": token, "device_id": device.id, "user": user}


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
    if device.revoked_at is None:
        revoke_device(device)
        record("device.revoked", target_type="device", target_id=device.id,
               details={"user_id": device.user_id, "device_name": device.name})
    return device


def devices_of(user: User) -> list[Device]:
    return list(db.session.scalars(sa.select(Device).where(Device.user_id == user.id).order_by(Device.created_at)))


def _encode_cursor(user: User) -> str:
    raw = json.dumps([user.name, user.id], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        name, user_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if isinstance(name, str) and isinstance(user_id, str):
            return name, user_id
    except (ValueError, TypeError):
        pass
    raise validation_error({"cursor": ["This is not a cursor from an earlier page: start again without it."]},
                           "The cursor is not valid.")


def search_users(*, q: str | None = None, role: str | None = None, active: bool | None = None,
                 limit: int = 50, cursor: str | None = None, people_only: bool = False) -> tuple[list[User], str | None]:
    """People whose name or email contains ``q`` (any case), by name then id, a page at a time: one
    query on the (name, id) index, whatever the page. Returns the page and the next page's cursor
    (None on the last page). ``people_only`` leaves out board displays' accounts."""
    query = sa.select(User)
    if q:
        needle = q.strip().lower()
        query = query.where(sa.or_(sa.func.lower(User.name).contains(needle, autoescape=True),
                                   User.email_normalised.contains(needle, autoescape=True)))
    if role is not None:
        query = query.where(User.role == role)
    if people_only:
        query = query.where(User.role != DISPLAY_ROLE)
    if active is not None:
        query = query.where(User.active.is_(active))
    if cursor is not None:
        name, user_id = _decode_cursor(cursor)
        query = query.where(sa.or_(User.name > name, sa.and_(User.name == name, User.id > user_id)))
    page = list(db.session.scalars(query.order_by(User.name, User.id).limit(limit + 1)))
    more = len(page) > limit
    page = page[:limit]
    return page, (_encode_cursor(page[-1]) if more else None)
