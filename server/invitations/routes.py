from flask_smorest import Blueprint

from server.accounts import operations as accounts
from server.accounts.auth import current_session
from server.accounts.schemas import LoginResponseSchema
from server.core.auth import public
from server.core.errors import ErrorSchema
from server.extensions import db
from server.invitations import operations
from server.invitations.schemas import (
    InvitationAcceptSchema,
    InvitationCreatedSchema,
    InvitationCreateSchema,
    InvitationSchema,
    PasswordResetResultSchema,
    PasswordResetSchema,
)
from server.organisations.access import access_for, require_admin

blp = Blueprint("invitations", __name__, url_prefix="/api",
                description="Invitations and password resets: single-use links to choose a password")


def _created(token, invitation):
    url = operations.link(token)
    emailed = operations.email_link(invitation.user, url, invitation)
    return {"id": invitation.id, "url": url, "expires_at": invitation.expires_at, "emailed": emailed}


@blp.post("/invitations")
@blp.arguments(InvitationCreateSchema)
@blp.response(201, InvitationCreatedSchema)
def create_invitation(data):
    """Invite a person (an admin anyone; a board lead staff and coaches into a team of their board): they
    get a link, valid once for 7 days, to choose their password. E-mailed when a mail server is set up."""
    token, invitation = operations.invite(access_for(current_session().user), **data)
    db.session.commit()
    return _created(token, invitation)  # mail after the commit: a slow mail server holds no lock


@blp.get("/invitations/<token>")
@blp.response(200, InvitationSchema)
@blp.alt_response(410, schema=ErrorSchema, description="Used, replaced or expired")
@public
def get_invitation(token):
    """Who the link is for (the page that accepts it shows this)."""
    return operations.describe(token)


@blp.post("/invitations/<token>/accept")
@blp.arguments(InvitationAcceptSchema)
@blp.response(200, LoginResponseSchema)
@blp.alt_response(410, schema=ErrorSchema, description="Used, replaced or expired")
@public
def accept_invitation(data, token):
    """Choose the password and sign in on this device: the answer is a sign-in like ``/auth/login``'s."""
    answer = operations.accept(token, password=data["password"], device_name=data["device_name"])
    db.session.commit()
    return answer


@blp.post("/users/<user_id>/password-reset")
@blp.arguments(PasswordResetSchema)
@blp.response(200, PasswordResetResultSchema)
def reset_password(data, user_id):
    """An administrator resets a person's password: with ``one_time_password``, that password, to be
    changed at their next sign-in; without, a link like an invitation's for them to choose one."""
    require_admin(current_session().user, "Only an administrator can reset passwords.")
    user = accounts.user_or_404(user_id)
    issued = operations.reset_password(user, data.get("one_time_password"))
    db.session.commit()
    if issued is None:
        return {"invitation": None, "must_change_password": True}
    return {"invitation": _created(*issued), "must_change_password": False}
