"""flask-smorest subclassed in one place: our error shape, bearer security, JSON for every error."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_smorest import Api as SmorestApi
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

from server.core.errors import DEFAULT_ERRORS, ApiError, ErrorSchema, flatten_field_errors


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Token from POST /api/auth/login"}
        )
        self.spec.options["security"] = [{"bearerAuth": []}]
        app.register_error_handler(ApiError, error_response)
        app.register_error_handler(Exception, self.handle_unexpected)

    def handle_http_exception(self, error: HTTPException):
        status = error.code or 500
        code, message = DEFAULT_ERRORS.get(status, ("http_error", error.description or "HTTP error."))
        fields = None
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") or data.get("errors")
        if status == 400 and messages and "json" in messages and messages["json"] == ["Invalid JSON body."]:
            code, message = "malformed_json", "The request body is not valid JSON."
        elif status == 422 and messages:
            fields = flatten_field_errors(messages)
        elif data.get("message"):
            message = data["message"]
        headers = dict(data.get("headers") or {})
        if status == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        return error_response(ApiError(status, code, message, fields=fields, headers=headers))

    def handle_unexpected(self, error: Exception):
        if isinstance(error, HTTPException):
            return self.handle_http_exception(error)
        if isinstance(error, (DataError, OperationalError)):
            # The failed statement aborted the transaction (PostgreSQL refuses every later one in it): roll
            # back here, not only at the end of the app context, which a caller may hold across requests.
            # Through the app's extensions, as server.extensions imports this module.
            current_app.extensions["sqlalchemy"].session.rollback()
        if isinstance(error, DataError):
            # A value the database cannot store (a NUL byte, an out-of-range number) is bad input.
            # The type only: the database's message repeats the values, which may be a person's words.
            current_app.logger.info("database refused a value on %s %s: %s", request.method, _route(),
                                    type(error.orig).__name__)
            return error_response(ApiError(422, "invalid_value", "A value in the request cannot be stored."))
        if isinstance(error, OperationalError):
            # The database is down, locked or restarting: the client should retry, not give up.
            current_app.logger.warning("database unavailable on %s %s: %s", request.method, _route(),
                                       type(error.orig).__name__)
            code, message = DEFAULT_ERRORS[503]
            return error_response(ApiError(503, code, message, headers={"Retry-After": "5"}))
        current_app.logger.exception("unhandled error on %s %s", request.method, _route())
        code, message = DEFAULT_ERRORS[500]
        return error_response(ApiError(500, code, message))


def _route() -> str:
    """The route's pattern, not the path: paths hold ids, and logs hold no more than they need."""
    return request.url_rule.rule if request.url_rule is not None else "(no route)"


def error_response(error: ApiError):
    response = jsonify(error.body())
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response
