"""Limits checked on every request before any view parses it, each refused in the API's error shape.

* **Nesting.** Python's ``json`` recurses once per level: about 1,000 levels (2 KB of ``[``) exhaust the stack and
raise ``RecursionError`` from inside request parsing, which no route can answer well. No body or
cursor Valueboard accepts nests more than a handful of levels (a sync push: body → mutations →
mutation → record → a list in a field), so anything deeper than :data:`MAX_DEPTH` is refused with
400 ``json_too_deep`` after a scan that runs at C speed for ordinary bodies.
* **Size of a chunked body.** A body sent without a length is cut at ``MAX_CONTENT_LENGTH`` by the
  WSGI stream, which then looks like truncated JSON; it is refused with 413 like a declared length.
* **Length of the address.** gunicorn refuses request lines over its ``limit_request_line`` with its
  own HTML page; ``gunicorn.conf.py`` raises that to 8,190 bytes so that addresses between 4 KB and
  8 KB reach the app and get 414 in the error shape (no Valueboard address comes near 4 KB).
"""

from __future__ import annotations

import re
from itertools import accumulate
from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from server.core.errors import ApiError

MAX_DEPTH = 32
MAX_URL_BYTES = 4096

# A JSON string, written as runs of plain bytes between escapes: one step per run instead of per byte,
# which makes the scan of a 500-mutation push (150 KB) about 3 times faster.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def nests_deeper_than(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON ``raw``'s arrays and objects nest more than ``limit`` levels (brackets inside
    strings do not count). Most bodies have too few brackets in all to need the exact count."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(1 if b in b"[{" else -1 for b in brackets), default=0) > limit


def too_deep() -> ApiError:
    return ApiError(400, "json_too_deep",
                    f"The request body nests arrays or objects more than {MAX_DEPTH} levels deep.")


def check_request() -> None:
    if len(request.environ.get("RAW_URI") or request.full_path) > MAX_URL_BYTES:
        raise ApiError(414, "uri_too_long", f"The address is longer than {MAX_URL_BYTES} bytes.")
    if not request.is_json:
        return
    body = request.get_data(cache=True)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None and limit is not None and len(body) >= limit:
        raise RequestEntityTooLarge()
    if nests_deeper_than(body):
        raise too_deep()


def register(app: Flask) -> None:
    app.before_request(check_request)
