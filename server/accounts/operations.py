"""Writes for accounts. Operations flush, never commit: the route owns the transaction."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from server.accounts.auth import hash_token, new_token
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
    attempt = SignInAttempt(user.email_normalised, address, device.id)  # a signed-in device is theirs
    check_not_throttled(attempt)
    if not verify_password(user.password_hash, current):
        record_login_failure(attempt, reason="wrong_current_password")
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


@dataclass(frozen=True)
class SignInAttempt:
    """Where a try to prove a password comes from: one of the account's own earlier devices (its
    device key proved it, ``device_id``), or an unknown device known only by its address."""

    email: str  # normalised
    address: str
    device_id: str | None = None


def sign_in_attempt(*, email: str, address: str, device_key: str | None = None) -> SignInAttempt:
    """The attempt a sign-in makes. A device key that no device of this account was signed in with
    proves nothing: the try is then an unknown device's, as for an email with no account."""
    normalised = normalise_email(email)
    device_id = None
    if device_key:
        device_id = db.session.scalar(
            sa.select(Device.id).join(User, Device.user_id == User.id)
            .where(User.email_normalised == normalised, Device.key_hash == hash_token(device_key)).limit(1))
    return SignInAttempt(normalised, address, device_id)


def _failures(since: datetime, *conditions) -> tuple[int, datetime | None, datetime | None]:
    """How many failed sign-ins after ``since`` match ``conditions``, the oldest and the latest one's time."""
    query = sa.select(sa.func.count(), sa.func.min(LoginFailure.at), sa.func.max(LoginFailure.at))
    count, oldest, latest = db.session.execute(query.where(LoginFailure.at > since, *conditions)).one()
    return count or 0, oldest, latest


def _wait(attempt: SignInAttempt) -> timedelta:
    """How long this attempt must wait (zero: it may go ahead). The limits are built so that a guesser
    cannot lock a person out:

    * per account and source (the address, or the account's own device): a guesser blocks only
      their own pair, never the person elsewhere or on their own device;
    * per address across accounts, for unknown devices only (password spraying): people behind the
      same proxy still sign in on devices they used before;
    * per account from anywhere, for unknown devices only: a slowdown that doubles with every
      failure past the ceiling, so guessing from many addresses stays slow and the person's own
      devices are never held up by it."""
    config = current_app.config
    now = clock.now()
    window = timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    waits = [timedelta(0)]
    source = (LoginFailure.device_id == attempt.device_id if attempt.device_id is not None
              else sa.and_(LoginFailure.device_id.is_(None), LoginFailure.address == attempt.address))
    count, oldest, _ = _failures(now - window, LoginFailure.email_normalised == attempt.email, source)
    if count >= config["LOGIN_FAILURES_PER_SOURCE"]:
        waits.append(oldest + window - now)  # the oldest failure leaves the window: one more try
    if attempt.device_id is None:
        count, oldest, _ = _failures(now - window, LoginFailure.address == attempt.address,
                                     LoginFailure.device_id.is_(None))
        if count >= config["LOGIN_FAILURES_PER_ADDRESS"]:
            waits.append(oldest + window - now)
        account_window = timedelta(seconds=config["LOGIN_ACCOUNT_WINDOW_SECONDS"])
        count, _, latest = _failures(now - account_window, LoginFailure.email_normalised == attempt.email)
        beyond = count - config["LOGIN_FAILURES_PER_ACCOUNT"]
        if beyond >= 0:
            slowdown = timedelta(seconds=config["LOGIN_SLOWDOWN_SECONDS"] * 2 ** min(beyond, 32))
            waits.append(latest + min(slowdown, account_window) - now)
    return max(waits)


def check_not_throttled(attempt: SignInAttempt) -> None:
    """Raises 429 with the wait in Retry-After (after recording ``sign_in.blocked``: the route commits
    that before answering). The same whether or not the email has an account."""
    if not current_app.config["RATE_LIMITS"]:
        return
    wait = _wait(attempt)
    if wait > timedelta(0):
        begin_write(db.session())
        _record_sign_in_event("sign_in.blocked", attempt)
        raise ApiError(
            429,
            "rate_limited",
            "Too many failed sign-in attempts. Wait a few minutes and try again.",
            headers={"Retry-After": str(max(1, math.ceil(wait.total_seconds())))},
        )


def authenticate(attempt: SignInAttempt, password: str) -> User | None:
    """The user whose password this is, or None; the same time and answer whether or not the email exists."""
    check_not_throttled(attempt)
    user = db.session.scalar(sa.select(User).where(User.email_normalised == attempt.email))
    if user is None or user.password_hash == NO_PASSWORD:  # no account, or one still to accept its invitation
        burn_verification_time(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def _record_sign_in_event(action: str, attempt: SignInAttempt, **details) -> None:
    """A failed or blocked sign-in. The address typed is kept only when it is an account's: people
    type their password into the email field, and the log must never hold a password."""
    user_id = db.session.scalar(sa.select(User.id).where(User.email_normalised == attempt.email))
    if attempt.device_id is not None:
        details["known_device_id"] = attempt.device_id
    record(action, target_type="user", target_id=user_id,
           details={"email": attempt.email if user_id else None, "address": attempt.address, **details})


def record_login_failure(attempt: SignInAttempt, *, reason: str = "wrong_credentials") -> None:
    begin_write(db.session())  # the sign-in's reads are done: see server.accounts.auth.writes_take_the_lock
    now = clock.now()
    config = current_app.config
    kept = timedelta(seconds=max(config["LOGIN_FAILURE_WINDOW_SECONDS"], config["LOGIN_ACCOUNT_WINDOW_SECONDS"]))
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < now - kept))
    db.session.add(LoginFailure(email_normalised=attempt.email, address=attempt.address,
                                device_id=attempt.device_id, at=now))
    _record_sign_in_event("sign_in.failed", attempt, reason=reason)


def invalid_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "That email and password do not match an account.")


def sign_in(user: User, device_name: str, device_key: str | None = None) -> dict:
    """A new device token for ``user``: the answer of every sign-in (login, an accepted invitation).
    ``device_key`` is the browser's own key: signing in with it again later proves a known device."""
    token, device = register_device(user, device_name, device_key)
    record("sign_in.succeeded", target_type="user", target_id=user.id, actor_id=user.id, device_id=device.id,
           details={"device_name": device.name})
    return {"token": token, "device_id": device.id, "user": user}


def register_device(user: User, device_name: str, device_key: str | None = None) -> tuple[str, Device]:
    begin_write(db.session())  # the sign-in's reads are done: see server.accounts.auth.writes_take_the_lock
    token, token_hash = new_token()
    device = Device(user_id=user.id, name=device_name.strip(), token_hash=token_hash, last_seen_at=clock.now(),
                    key_hash=hash_token(device_key) if device_key else None)
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
    except (ValueError, TypeError, RecursionError):  # RecursionError: a cursor nested 1,000 deep
        pass
    raise validation_error({"cursor": ["This is not a cursor from an earlier page: start again without it."]},
                           "The cursor is not valid.")


def search_users(*, q: str | None = None, role: str | None = None, active: bool | None = None,
                 limit: int = 50, cursor: str | None = None, people_only: bool = False,
                 within: sa.ColumnElement[bool] | None = None) -> tuple[list[User], str | None]:
    """People whose name or email contains ``q`` (any case), by name then id, a page at a time: one
    query on the (name, id) index, whatever the page. Returns the page and the next page's cursor
    (None on the last page). ``people_only`` leaves out board displays' accounts; ``within`` (a
    condition on ``User``) the people the caller may not find."""
    query = sa.select(User) if within is None else sa.select(User).where(within)
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
