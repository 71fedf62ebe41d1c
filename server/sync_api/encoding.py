"""JSON text as sync writes it to devices and to the store, and reads it back in bulk.

* :func:`dumps`: compact ASCII JSON from one reusable C encoder (``json.dumps`` builds a new one
  per call: half its cost on small dicts); :func:`dumps_log` for the logs, which keep anything;
* :func:`loads_many`: many small JSON texts decoded with one parser call;
* :class:`EncodedChange` and :func:`encode_pull`: a pull page whose changes the database already
  wrote as JSON (``store.change_json``) is spliced together, not decoded and encoded again.
"""

from __future__ import annotations

import json
import math
from typing import Any, Optional

try:
    from json.encoder import c_make_encoder as _c_make_encoder
    from json.encoder import encode_basestring_ascii as _encode_ascii
except ImportError:  # pragma: no cover - other Pythons
    _c_make_encoder = None


def _no_default(obj: Any) -> Any:
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


if _c_make_encoder is not None:
    _encoder = _c_make_encoder(None, _no_default, _encode_ascii, None, ":", ",", False, False, False)

    def dumps(obj: Any) -> str:
        """Compact, ASCII-only JSON (escaped text is safe in SQLite text and PostgreSQL json)."""
        return "".join(_encoder(obj, 0))
else:  # pragma: no cover
    def dumps(obj: Any) -> str:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False)


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return repr(obj)
    if isinstance(obj, dict):
        return {str(k): _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def dumps_log(obj: Any) -> str:
    """For the logs, which keep what devices sent: NaN/Infinity become strings, odd objects ``str``."""
    try:
        return dumps(obj)
    except (TypeError, ValueError):
        return json.dumps(_finite(obj), separators=(",", ":"), allow_nan=False, default=str)


def loads_many(texts: list[Optional[str]]) -> list[Any]:
    """Decode many small JSON texts with one parser call (much faster than one call each).

    SQLite gives a JSON column NUMERIC affinity, so a scalar such as ``15`` comes back as a number,
    not as the text it was stored as: re-encode those."""
    if not texts:
        return []
    return json.loads("[" + ",".join(
        "null" if t is None else t if isinstance(t, str) else dumps(t) for t in texts) + "]")


class EncodedChange(str):
    """Changes of a pull page already JSON: one, or several joined by commas (see :func:`encode_pull`)."""


def encode_pull(body: dict) -> str:
    """A pull page as JSON text: the same text as ``dumps(body)`` with changes made of dicts, but
    :class:`EncodedChange` entries are spliced in as they are."""
    changes = ",".join(c if isinstance(c, EncodedChange) else dumps(c) for c in body["changes"])
    rest = dumps({key: value for key, value in body.items() if key != "changes"})
    return '{"changes":[' + changes + "]" + ("," + rest[1:] if rest != "{}" else "}")
