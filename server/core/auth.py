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
class Session:
    user: "User"
    device: "Device"


def unauthorized(message: str = "Sign in to do that.") -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def current_session() -> Session:
    return g.session
