from flask import request
from flask_smorest import Blueprint

from server.accounts import operations
from server.accounts.auth import current_session
from server.accounts.schemas import DeviceListSchema, LoginResponseSchema, LoginSchema, PasswordChangeSchema
from server.audit.operations import record
from server.core.auth import open_before_password_change, public
from server.core.errors import ApiError
from server.extensions import db

# /api/me and /api/users also show teams and need the access rules: they live in server.organisations.routes.
blp = Blueprint("accounts", __name__, url_prefix="/api", description="Sign-in and devices")


@blp.post("/auth/login")
@blp.arguments(LoginSchema)
@blp.response(200, LoginResponseSchema)
@public
def login(data):
    """Sign in on a device; the token is bound to that device until logout or revocation."""
    attempt = operations.sign_in_attempt(email=data["email"], address=request.remote_addr or "unknown",
                                         device_key=data.get("device_key"))
    try:
        user = operations.authenticate(attempt, data["password"])
    except ApiError:
        db.session.commit()  # a blocked sign-in is in the audit log
        raise
    if user is None:
        operations.record_login_failure(attempt)
        db.session.commit()
        raise operations.invalid_credentials()
    answer = operations.sign_in(user, data["device_name"], data.get("device_key"))
    db.session.commit()
    return answer


@blp.post("/auth/logout")
@blp.response(204)
@open_before_password_change
def logout():
    """Revoke the token used for this request (a board display is signed out by its team's lead)."""
    session = current_session()
    operations.refuse_display(session.user)
    operations.revoke_device(session.device)
    record("signed_out", target_type="device", target_id=session.device_id)
    db.session.commit()


@blp.post("/me/password")
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@open_before_password_change
def change_my_password(data):
    """Change your own password: every other device of yours is signed out, this one stays."""
    session = current_session()
    try:
        operations.change_own_password(user=session.user, device=session.device, current=data["current_password"],
                                       new=data["new_password"], address=request.remote_addr or "unknown")
    except ApiError as error:
        if error.code in ("wrong_password", "rate_limited"):
            db.session.commit()  # the failure counts towards the sign-in limit and is in the audit log
        raise
    db.session.commit()


@blp.get("/devices")
@blp.response(200, DeviceListSchema)
def list_devices():
    session = current_session()
    devices = operations.devices_of(session.user)
    return {"devices": [{**device_fields(d), "current": d.id == session.device.id} for d in devices]}


@blp.delete("/devices/<device_id>")
@blp.response(204)
def revoke_device(device_id):
    """Sign a device out, for example a lost phone; it wipes its local data the next time it connects."""
    caller = current_session().user
    operations.refuse_display(caller)
    operations.revoke_device_by_id(caller=caller, device_id=device_id)
    db.session.commit()


def device_fields(device):
    return {
        "id": device.id,
        "user_id": device.user_id,
        "name": device.name,
        "created_at": device.created_at,
        "last_seen_at": device.last_seen_at,
        "revoked_at": device.revoked_at,
    }
