"""One error shape for the whole API: ``{"error": {"code", "message", "fields"?}}``.

Operations raise :class:`ApiError`; framework errors (routing, body size, webargs validation) are
translated in :meth:`server.core.api.Api.handle_http_exception`, so a client never sees HTML or a
stack trace under ``/api/``.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        error.update(self.extra)
        return {"error": error}


def not_found(what: str = "resource") -> ApiError:
    return ApiError(404, "not_found", f"That {what} does not exist or you cannot see it.")


def forbidden(message: str = "You are not allowed to do that.") -> ApiError:
    return ApiError(403, "forbidden", message)


def conflict(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)


def validation_error(fields: dict[str, list[str]], message: str = "Some fields are not valid.") -> ApiError:
    return ApiError(422, "validation_error", message, fields=fields)


# Status codes the framework raises on its own, with the code and sentence a client sees.
DEFAULT_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Sign in to do that."),
    403: ("forbidden", "You are not allowed to do that."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that method."),
    409: ("conflict", "The request conflicts with the current state."),
    413: ("payload_too_large", "The request body is larger than 1 MiB."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    422: ("validation_error", "Some fields are not valid."),
    429: ("rate_limited", "Too many attempts; wait a little and try again."),
    500: ("internal_error", "Something went wrong on the server; the request was not completed."),
    503: ("unavailable", "The service is temporarily unavailable; try again shortly."),
}


_LOCATIONS = ("json", "query", "form", "view_args", "files", "headers", "cookies")


def flatten_field_errors(messages: Any) -> dict[str, list[str]]:
    """webargs nests messages by location (``{"json": {"name": [...]}}``); clients want field names."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for location, per_location in messages.items():
            # Drop the location level ("json", "query"...) when it only wraps field names.
            _walk(flat, "" if location in _LOCATIONS else str(location), per_location)
    else:
        _walk(flat, "", messages)
    return flat


def flatten_messages(messages: Any) -> dict[str, list[str]]:
    """A schema's own messages (no location level) as ``{"field.sub": [...]}``; messages about the
    whole object are under ``_body``, as in :func:`flatten_field_errors`."""
    flat: dict[str, list[str]] = {}
    _walk(flat, "", messages)
    return flat


def _walk(flat: dict[str, list[str]], prefix: str, node: Any) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            name = "_body" if key == "_schema" else str(key)
            _walk(flat, f"{prefix}.{name}" if prefix else name, value)
    elif isinstance(node, list) and all(isinstance(item, str) for item in node):
        flat.setdefault(prefix or "_body", []).extend(node)
    else:
        flat.setdefault(prefix or "_body", []).append(str(node))


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))
    # Extras some errors carry: the next mutation id a sync push must send (409 mutation_gap), the
    # schema versions the server speaks (426) and the most mutations one push may hold (413).
    expected_id = ma.fields.Integer()
    supported = ma.fields.List(ma.fields.Integer())
    max_mutations = ma.fields.Integer()


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema, required=True)
