"""What a view declares about authentication; the token checks live in ``server.accounts.auth``."""

from __future__ import annotations


def public(view):
    """Marks a view that needs no token; every other ``/api/`` view does (secure by default)."""
    view._public = True
    # Tell the OpenAPI document too, so clients and fuzzers know no token is needed here.
    apidoc = getattr(view, "_apidoc", {})
    apidoc.setdefault("manual_doc", {})["security"] = []
    view._apidoc = apidoc
    return view



def open_before_password_change(view):
    """Marks a view a person may use while they must still replace a password an administrator set
    (who they are, changing the password, signing out); every other view answers 403
    ``password_change_required`` until they have."""
    view._open_before_password_change = True
    return view
