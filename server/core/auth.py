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

