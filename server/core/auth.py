"""What every view needs to know about the caller; the token checks live in ``server.accounts.auth``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import g

from server.core.errors import ApiError

if TYPE_CHECKING:
    from server.accounts.models import Device, User


def public(view):
    """Marks a view that needs no token; every other ``/api/`` view does (secure by default)."""
    view._public = True
    # Tell the OpenAPI document too, so clients and fuzzers know no token is needed here.
    apidoc = getattr(view, "_apidoc", {})
    apidoc.setdefault("manual_doc", {})["security"] = []
    view._apidoc = apidoc
    return view


@dataclass(frozen=True)
class Principal:
    """Who is calling, as access checks (``access_for``) need it: without loading the ORM ``User``."""

    id: str
    role: str


class Session:
    """The caller of a request. The token lookup reads only the ids and the role (one Core query:
    the ORM lookup of both rows cost 0.4 ms, a sixth of a small sync push); ``user`` and ``device``
    load the ORM objects on first use, in the request's database session."""

    __slots__ = ("user_id", "device_id", "principal", "_user", "_device")

    def __init__(self, *, user_id: str, device_id: str, role: str) -> None:
        self.user_id = user_id
        self.device_id = device_id
        self.principal = Principal(user_id, role)
        self._user: "User | None" = None
        self._device: "Device | None" = None

    @property
    def user(self) -> "User":
        if self._user is None:
            self._user = self._load("User", self.user_id)
        return self._user

    @property
    def device(self) -> "Device":
        if self._device is None:
            self._device = self._load("Device", self.device_id)
        return self._device

    @staticmethod
    def _load(model: str, id: str):
        from server.accounts import models
        from server.extensions import db

        row = db.session.get(getattr(models, model), id)
        if row is None:  # deleted since the token was checked
            raise unauthorized("This sign-in is no longer valid; sign in again.")
        return row


def unauthorized(message: str = "Sign in to do that.") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def current_session() -> Session:
    return g.session
