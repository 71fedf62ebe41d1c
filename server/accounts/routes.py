from flask import request
from flask_smorest import Blueprint

from server.accounts import operations
from server.accounts.auth import current_session
from server.accounts.schemas import DeviceListSchema, LoginResponseSchema, LoginSchema
from server.core.auth import public
from server.extensions import db

# /api/me and /api/users also show teams and need the access rules: they live in server.organisations.routes.
blp = Blueprint("accounts", __name__, url_prefix="/api", description="Sign-in and devices")


@blp.post("/auth/login")
@blp.arguments(LoginSchema)
@blp.response(200, LoginResponseSchema)
@public
def login(data):
    """Sign in on a device; the token is bound to that device until logout or revocation."""
    address = request.remote_addr or "unknown"
    user = operations.authenticate(email=data["email"], password=data["password"], address=address)
    if user is None:
        operations.record_login_failure(email=data["email"], address=address)
        db.session.commit()
        raise operations.invalid_credentials()
    token, device = operations.register_device(user, data["device_name"])
    db.session.commit()
    return {"token": token, "device_id": device.id, "user": user}


@blp.post("/auth/logout")
@blp.response(204)
def logout():
    """Revoke the token used for this request (a board display is signed out by its team's lead)."""
    session = current_session()
    operations.refuse_display(session.user)
    operations.revoke_device(session.device)
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
