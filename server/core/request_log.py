"""Request ids and structured logs.

Every request gets an id (a proxy's ``X-Request-Id`` when it sends a sane one, else a new one), returned
in the response's ``X-Request-Id`` and attached to every log line written while the request runs, so
one person's "it failed at 10:02" leads to the lines of that request across processes. In production
(or with ``LOG_FORMAT=json``) each line is one JSON object; one line per request records the route
*pattern* (``/api/users/<user_id>``, never the ids or the query string, which can hold a name being
searched), the status and the time taken. No line holds a body, a token or a password.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

from flask import Flask, Response, g, request

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
_current_id: ContextVar[str | None] = ContextVar("request_id", default=None)

log = logging.getLogger("valueboard.requests")

# The attributes every LogRecord has; anything else on a record was passed as ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _current_id.get()
        if request_id:
            line["request_id"] = request_id
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(line, default=str, ensure_ascii=False)


#: For processes that configure logging themselves (gunicorn.conf.py): its own lines as JSON too, and
#: no access log (the app writes a line per request, with its id).
JSON_LOGCONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False, "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False, "qualname": "gunicorn.access"},
    },
}


def wants_json(config) -> bool:
    """JSON when LOG_FORMAT says so, else in production (``config``: the app's config or the environment)."""
    chosen = (config.get("LOG_FORMAT") or "").lower()
    return chosen == "json" or (not chosen and config.get("VALUEBOARD_ENV") == "production")


def configure_logging(config) -> None:
    """JSON lines on stderr, unless the process already configured logging (gunicorn.conf.py does)."""
    root = logging.getLogger()
    if not wants_json(config) or root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _begin() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.request_token = _current_id.set(g.request_id)
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:
        return response
    response.headers[REQUEST_ID_HEADER] = request_id
    rule = request.url_rule.rule if request.url_rule is not None else None
    log.info("request", extra={"request_id": request_id, "method": request.method, "route": rule or "(no route)", "status": response.status_code,
                               "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1)})
    return response


def _forget(_error: BaseException | None) -> None:
    token = g.pop("request_token", None)
    if token is not None:
        try:
            _current_id.reset(token)
        except ValueError:  # a streamed response ends in another context; its id goes with that context
            pass


def register(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_forget)
