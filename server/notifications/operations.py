"""Web Push subscriptions, the inbox, each user's choices, and raising an event for a team.

``notify_team`` (a team's coaches and leads) and ``notify_users`` (named people, such as the one on
the rota) are what other features call, inside their own transaction: the event is stored with the
data that caused it, or not at all."""

from __future__ import annotations

import base64
import binascii
import fnmatch
from datetime import datetime, time, timedelta
from typing import Iterable, Optional
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid02

from server.accounts.models import Device, User
from server.core import clock
from server.core.database import begin_write
from server.core.errors import ApiError, not_found
from server.core.models import new_id
from server.extensions import db
from server.notifications.models import (
    EVENT_TYPES,
    Notification,
    NotificationMute,
    NotificationSettings,
    PushDelivery,
    PushSubscription,
    VapidKey,
)
from server.organisations.models import CoachAssignment, Membership

LOCAL_HOSTS = ("127.0.0.1", "localhost")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ------------------------------------------------------------------------------------------------
# the VAPID key
# ------------------------------------------------------------------------------------------------
def vapid() -> Vapid02:
    """The server's VAPID key: ``VAPID_PRIVATE_KEY`` (PEM, or the base64url private number web-push
    tools print) or the one kept in the database, made on first use (the first writer wins, so
    processes starting together agree)."""
    configured = current_app.config.get("VAPID_PRIVATE_KEY")
    if configured:
        text = configured.replace("\\n", "\n").strip()
        return Vapid02.from_pem(text.encode()) if text.startswith("-----") else Vapid02.from_raw(text.encode())
    pem = db.session.scalar(sa.select(VapidKey.private_key_pem).where(VapidKey.id == 1))
    if pem is None:
        made = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
        # Made on a GET or by the delivery worker, whose transactions only read so far: on SQLite a
        # read transaction that writes fails at once if another process wrote meanwhile.
        begin_write(db.session())
        conn = db.session.connection()
        insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)
        db.session.execute(insert(VapidKey).values(id=1, private_key_pem=made, created_at=clock.now())
                           .on_conflict_do_nothing(index_elements=["id"]))
        db.session.commit()
        pem = db.session.scalar(sa.select(VapidKey.private_key_pem).where(VapidKey.id == 1))
    return Vapid02.from_pem(pem.encode())


def vapid_public_key() -> str:
    """The public key as browsers want it for ``applicationServerKey``: the uncompressed P-256 point."""
    point = vapid().public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url(point)


# ------------------------------------------------------------------------------------------------
# subscriptions
# ------------------------------------------------------------------------------------------------
def _host_allowed(host: str, port: Optional[int]) -> bool:
    for pattern in (p.strip().lower() for p in current_app.config["PUSH_SERVICE_HOSTS"].split(",") if p.strip()):
        name, _, want_port = pattern.partition(":")
        if fnmatch.fnmatchcase(host, name) and (not want_port or want_port == "*" or str(port) == want_port):
            if name.startswith("*.") and host == name[2:]:
                continue
            return True
    return False


def check_subscription(endpoint: str, p256dh: str, auth: str) -> dict[str, list[str]]:
    """What is wrong with a subscription, by field (empty when nothing)."""
    problems: dict[str, list[str]] = {}
    try:
        parts = urlsplit(endpoint)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        parts, host, port = None, "", None
    if parts is None or not host or parts.scheme not in ("https", "http"):
        problems["endpoint"] = ["Must be the push service's https:// address."]
    elif parts.scheme != "https" and host not in LOCAL_HOSTS:
        problems["endpoint"] = ["Must be an https:// address."]
    elif not _host_allowed(host, port):
        problems["endpoint"] = ["Not a push service this server sends to."]
    try:
        key = _unb64url(p256dh)
        if len(key) != 65 or key[0] != 4:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), key)
    except (ValueError, binascii.Error):
        problems["keys.p256dh"] = ["Must be the browser's P-256 public key (65 bytes, base64url)."]
    try:
        if len(_unb64url(auth)) != 16:
            raise ValueError
    except (ValueError, binascii.Error):
        problems["keys.auth"] = ["Must be the browser's 16-byte auth secret (base64url)."]
    return problems


def subscribe(user: User, device_id: str, endpoint: str, p256dh: str, auth: str) -> tuple[PushSubscription, bool]:
    """Keep a subscription; ``(subscription, created)``. The same endpoint again keeps its id and moves
    to this user and device (a shared tablet someone else signed in to)."""
    problems = check_subscription(endpoint, p256dh, auth)
    if problems:
        raise ApiError(422, "validation_error", "The push subscription is not valid.", fields=problems)
    found = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if found is not None:
        found.user_id, found.device_id, found.p256dh, found.auth = user.id, device_id, p256dh, auth
        db.session.flush()
        return found, False
    sub = PushSubscription(user_id=user.id, device_id=device_id, endpoint=endpoint, p256dh=p256dh, auth=auth)
    db.session.add(sub)
    db.session.flush()
    return sub, True


def subscriptions_of(user: User) -> list[PushSubscription]:
    return list(db.session.scalars(sa.select(PushSubscription).where(PushSubscription.user_id == user.id)
                                   .order_by(PushSubscription.created_at)))


def unsubscribe(user: User, subscription_id: str) -> None:
    sub = db.session.get(PushSubscription, subscription_id)
    if sub is None or sub.user_id != user.id:
        raise not_found("push subscription")
    db.session.delete(sub)
    db.session.flush()


# ------------------------------------------------------------------------------------------------
# the inbox
# ------------------------------------------------------------------------------------------------
def inbox(user: User, limit: int = 200) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.created_at.desc(), Notification.id).limit(limit)))


def mark_read(user: User, notification_id: str) -> Notification:
    found = db.session.get(Notification, notification_id)
    if found is None or found.user_id != user.id:
        raise not_found("notification")
    if found.read_at is None:
        found.read_at = clock.now()
        db.session.flush()
    return found


# ------------------------------------------------------------------------------------------------
# choices: event types per team, quiet hours
# ------------------------------------------------------------------------------------------------
def settings_of(user: User) -> dict:
    row = db.session.get(NotificationSettings, user.id)
    off = db.session.execute(sa.select(NotificationMute.team_id, NotificationMute.type)
                             .where(NotificationMute.user_id == user.id)
                             .order_by(NotificationMute.team_id, NotificationMute.type)).all()
    return {"quiet_hours_start": row.quiet_hours_start if row else None,
            "quiet_hours_end": row.quiet_hours_end if row else None,
            "off": [{"team_id": t, "type": k} for t, k in off],
            "types": [{"type": k, "label": v} for k, v in EVENT_TYPES.items()]}


def save_settings(user: User, quiet_hours_start: Optional[str], quiet_hours_end: Optional[str],
                  off: Iterable[dict], readable_team_ids: frozenset[str]) -> dict:
    off = list(off)
    unknown = sorted({o["team_id"] for o in off} - readable_team_ids)
    if unknown:
        raise ApiError(422, "validation_error", "You can only choose notifications for your own teams.",
                       fields={"off": [f"Not one of your teams: {', '.join(unknown)}"]})
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        raise ApiError(422, "validation_error", "Quiet hours need a start and an end.",
                       fields={"quiet_hours_end" if quiet_hours_start else "quiet_hours_start": ["Give both times, or neither."]})
    row = db.session.get(NotificationSettings, user.id) or NotificationSettings(user_id=user.id)
    row.quiet_hours_start, row.quiet_hours_end = quiet_hours_start, quiet_hours_end
    db.session.add(row)
    db.session.execute(sa.delete(NotificationMute).where(NotificationMute.user_id == user.id))
    for key in sorted({(o["team_id"], o["type"]) for o in off}):
        db.session.add(NotificationMute(user_id=user.id, team_id=key[0], type=key[1]))
    db.session.flush()
    return settings_of(user)


def _hhmm(text: str) -> time:
    return time(int(text[:2]), int(text[3:5]))


def after_quiet_hours(instant: datetime, start: Optional[str], end: Optional[str]) -> datetime:
    """``instant``, or the end of the quiet hours it falls in (Europe/London wall-clock times)."""
    if not start or not end or start == end:
        return instant
    local = instant.astimezone(clock.LONDON)
    begin, finish = _hhmm(start), _hhmm(end)
    now_t = local.time()
    inside = (begin <= now_t < finish) if begin < finish else (now_t >= begin or now_t < finish)
    if not inside:
        return instant
    day = local.date() if (begin < finish or now_t < finish) else local.date() + timedelta(days=1)
    return datetime.combine(day, finish, tzinfo=clock.LONDON).astimezone(instant.tzinfo)


# ------------------------------------------------------------------------------------------------
# raising an event
# ------------------------------------------------------------------------------------------------
def team_recipients(team_id: str) -> list[str]:
    """Who hears about a team by default: the coaches who follow it and its leads (active users)."""
    coaches = sa.select(CoachAssignment.coach_id.label("user_id")).where(CoachAssignment.team_id == team_id)
    leads = sa.select(Membership.user_id).where(Membership.team_id == team_id, Membership.role == "lead")
    ids = sa.union(coaches, leads).subquery()
    return list(db.session.scalars(sa.select(User.id).join(ids, ids.c.user_id == User.id)
                                   .where(User.active.is_(True)).order_by(User.id)))


def notify_team(team_id: str, *, type: str, key: str, title: str, body: str, url: str, ttl: timedelta,
                code: Optional[str] = None) -> int:
    """Put one event in the inbox of each of the team's coaches and leads, and queue its push to their
    subscriptions (see :func:`notify_users`). Returns how many users got it new."""
    return notify_users(team_recipients(team_id), team_id=team_id, type=type, key=key, title=title, body=body,
                        url=url, ttl=ttl, code=code)


def notify_users(user_ids: Iterable[str], *, team_id: Optional[str], type: str, key: str, title: str, body: str,
                 url: str, ttl: timedelta, code: Optional[str] = None) -> int:
    """Put one event (about ``team_id``, if any) in the inbox of each of ``user_ids``, and queue its push
    to their subscriptions (unless they turned that type off for the team; held until their quiet
    hours end). ``key`` names the event: the same key never reaches a user twice. Runs in the caller's
    transaction and commits nothing. Returns how many users got it new."""
    assert type in EVENT_TYPES, type
    now = clock.now()
    recipients = sorted(set(user_ids))
    if not recipients:
        return 0
    conn = db.session.connection()
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    rows = [{"id": new_id(), "user_id": uid, "event_key": key, "type": type, "team_id": team_id, "code": code,
             "title": title, "body": body, "url": url, "ttl_seconds": int(ttl.total_seconds()), "created_at": now}
            for uid in recipients]
    fresh = db.session.execute(insert(Notification).values(rows)
                               .on_conflict_do_nothing(index_elements=["user_id", "event_key"])
                               .returning(Notification.id, Notification.user_id)).all()
    if not fresh:
        return 0
    by_user = {uid: nid for nid, uid in fresh}
    muted = set() if team_id is None else set(db.session.scalars(sa.select(NotificationMute.user_id).where(
        NotificationMute.user_id.in_(by_user), NotificationMute.team_id == team_id, NotificationMute.type == type)))
    quiet = {r.user_id: (r.quiet_hours_start, r.quiet_hours_end) for r in db.session.execute(
        sa.select(NotificationSettings).where(NotificationSettings.user_id.in_(by_user))).scalars()}
    # A subscription of a signed-out or revoked device is not sent to: that browser may be someone
    # else's now (its page could not delete it, offline or signed out from another device).
    subs = db.session.execute(
        sa.select(PushSubscription.id, PushSubscription.user_id)
        .outerjoin(Device, Device.id == PushSubscription.device_id)
        .where(PushSubscription.user_id.in_([u for u in by_user if u not in muted]),
               sa.or_(PushSubscription.device_id.is_(None), Device.revoked_at.is_(None)))).all()
    if subs:
        db.session.execute(sa.insert(PushDelivery), [
            {"id": new_id(), "notification_id": by_user[uid], "subscription_id": sid, "state": "pending",
             "attempts": 0, "next_attempt_at": after_quiet_hours(now, *quiet.get(uid, (None, None))),
             "expires_at": now + ttl, "created_at": now}
            for sid, uid in subs])
    return len(fresh)
