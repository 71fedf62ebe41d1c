"""Invitations and password resets by link. Flush, never commit; the e-mail goes after the commit."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request

from server.accounts import operations as accounts
from server.accounts.auth import current_session, hash_token, new_token
from server.accounts.models import DISPLAY_ROLE, NO_PASSWORD, User, normalise_email
from server.accounts.passwords import hash_password
from server.audit.operations import record
from server.core import clock
from server.core.database import begin_write
from server.core.errors import ApiError, conflict, forbidden
from server.core.mail import mail_configured, send_mail
from server.extensions import db
from server.invitations.models import Invitation
from server.organisations.access import Access, readable_team_or_404
from server.organisations.models import Team
from server.organisations.operations import set_membership

VALID_FOR = timedelta(days=7)


def invitation_expired() -> ApiError:
    return ApiError(410, "invitation_expired",
                    "This link has been used or has expired. Ask whoever sent it for a new one.")


def _issue(user: User, *, purpose: str, team_id: str | None = None) -> tuple[str, Invitation]:
    """A new link for ``user``; any earlier one still open stops working (only the newest link is good)."""
    now = clock.now()
    # Not synchronised with the session: its "evaluate" strategy walks every Invitation the session holds,
    # which made importing 2,000 people quadratic (nothing reads the old links again in this transaction).
    db.session.execute(sa.update(Invitation).where(
        Invitation.user_id == user.id, Invitation.accepted_at.is_(None), Invitation.withdrawn_at.is_(None),
    ).values(withdrawn_at=now).execution_options(synchronize_session=False))
    token, token_hash = new_token()  # 256 random bits; only the hash is stored
    invitation = Invitation(user_id=user.id, token_hash=token_hash, purpose=purpose, team_id=team_id,
                            created_by=_caller_id(), created_at=now, expires_at=now + VALID_FOR)
    db.session.add(invitation)
    db.session.flush()
    return token, invitation


def _caller_id() -> str | None:
    return current_session().user_id


def invite(access: Access, *, email: str, name: str, role: str, team_id: str | None = None,
           team_role: str | None = None) -> tuple[str, Invitation]:
    """A new person with no password yet, in the team if one is given, and their link.

    Someone who already has an account is not invited again (409: add them to the team instead); a
    person invited before who has not yet accepted gets a new link (the old one stops working), their
    name and role unchanged."""
    team = None
    if team_id is not None:
        team = readable_team_or_404(access, team_id)
    if not access.can_invite(team_id, role):
        raise forbidden("Only an administrator, or the board lead of the team's board (for staff and coaches), "
                        "can invite people." if access.board_teams else "Only an administrator can invite people.")
    user = db.session.scalar(sa.select(User).where(User.email_normalised == normalise_email(email)))
    if user is not None:
        if user.password_hash != NO_PASSWORD or user.role == DISPLAY_ROLE:
            # No name: an inviter must not learn who an email address belongs to by trying it.
            raise conflict("already_registered", "Someone already has an account with that email address: "
                                                 "add them to the team from its members, by that email, instead.")
        if not access.can_invite(team_id, user.role):
            raise forbidden("Only an administrator can invite an administrator or a board lead.")
    else:
        user = accounts.create_user(email=email, name=name, password=None, role=role, details={"via": "invitation"})
    if team is not None:
        set_membership(team, user.id, team_role or "member")
    token, invitation = _issue(user, purpose="invite", team_id=team_id)
    record("invitation.created", target_type="user", target_id=user.id,
           details={"invitation_id": invitation.id, "email": user.email, "role": user.role, "team_id": team_id,
                    "team_role": (team_role or "member") if team_id else None})
    return token, invitation


def reset_password(user: User, one_time_password: str | None) -> tuple[str, Invitation] | None:
    """An administrator's reset: a link for the person to choose a new password, or a one-time password
    they must change at their next sign-in. Their current password works until then (a forgotten
    password is no reason to wipe their devices: an account in danger is deactivated instead)."""
    if user.role == DISPLAY_ROLE:
        raise ApiError(422, "display_account", "A board display has no password: its team's lead signs it in.")
    if one_time_password is not None:
        accounts.set_password(user, one_time_password, must_change=True)
        record("password.reset", target_type="user", target_id=user.id, details={"method": "one_time_password"})
        db.session.flush()
        return None
    token, invitation = _issue(user, purpose="reset")
    record("password.reset", target_type="user", target_id=user.id,
           details={"method": "link", "invitation_id": invitation.id})
    return token, invitation


def _open_invitation(token: str, *, lock: bool = False) -> Invitation:
    query = sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    if lock:  # PostgreSQL: a second accept of the same link waits, then finds it used
        query = query.with_for_update().execution_options(populate_existing=True)
    invitation = db.session.scalar(query)
    if (invitation is None or invitation.accepted_at is not None or invitation.withdrawn_at is not None
            or clock.now() >= invitation.expires_at or not invitation.user.active):
        raise invitation_expired()
    return invitation


def describe(token: str) -> dict:
    invitation = _open_invitation(token)
    team = db.session.get(Team, invitation.team_id) if invitation.team_id else None
    user = invitation.user
    return {"name": user.name, "email": user.email, "team_name": team.name if team else None,
            "purpose": invitation.purpose, "expires_at": invitation.expires_at}


def accept(token: str, *, password: str, device_name: str, device_key: str | None = None) -> dict:
    """The person's chosen password, and a sign-in on this device (the same answer as ``/auth/login``)."""
    invitation = _open_invitation(token)
    accounts.check_new_password(invitation.user, password)
    password_hash = hash_password(password)
    begin_write(db.session())  # the slow hashing is done: see server.accounts.auth.writes_take_the_lock
    invitation = _open_invitation(token, lock=True)
    user = db.session.get(User, invitation.user_id, populate_existing=True)
    user.password_hash = password_hash
    user.must_change_password = False
    invitation.accepted_at = clock.now()
    answer = accounts.sign_in(user, device_name, device_key)
    record("invitation.accepted", target_type="user", target_id=user.id, actor_id=user.id,
           device_id=answer["device_id"], details={"invitation_id": invitation.id, "purpose": invitation.purpose})
    return answer


def link(token: str) -> str:
    base = current_app.config.get("APP_URL") or request.host_url
    return f"{base.rstrip('/')}/invite/{token}"


def email_link(user: User, url: str, invitation: Invitation) -> bool:
    """E-mail the link when a mail server is configured; False when none is or it refused."""
    if not mail_configured():
        return False
    days = VALID_FOR.days
    if invitation.purpose == "reset":
        subject = "Choose a new Valueboard password"
        body = (f"Hello {user.name},\n\nAn administrator has reset your Valueboard password. Choose a new one here "
                f"(the link works once, for {days} days):\n\n{url}\n")
    else:
        subject = "You are invited to Valueboard"
        body = (f"Hello {user.name},\n\nYou have been invited to Valueboard. Choose your password here "
                f"(the link works once, for {days} days):\n\n{url}\n")
    return send_mail(to=user.email, subject=subject, body=body)
