"""Pull cursors: opaque to clients, ``base64url(compact JSON)`` without padding.

Decoded form: ``{"v": 1, "t": {team_id: position}}`` where ``position`` is

* ``n`` (an int): the device has every change of the team up to version ``n``;
* ``[n, s]``: a full copy of the team is being sent (first sync of the team, or after a
  drop): live records up to version ``n`` were sent; tombstones with version ``<= s`` (the
  team's version when the full copy started) are skipped, because the device had no copy
  of the team before that point.

Clients must treat the string as opaque and send it back unchanged.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Optional

from .errors import SyncError

__all__ = ["TeamPosition", "encode_cursor", "decode_cursor", "CURSOR_FORMAT"]

CURSOR_FORMAT = 1


@dataclass(frozen=True)
class TeamPosition:
    version: int
    full_since: Optional[int] = None  # not None while a full copy is being sent


def _invalid() -> SyncError:
    return SyncError(400, "invalid_cursor", "The cursor is not one this server issued; pull again with an empty cursor.")


def encode_cursor(positions: dict[str, TeamPosition]) -> str:
    teams = {
        t: (p.version if p.full_since is None else [p.version, p.full_since])
        for t, p in sorted(positions.items())
    }
    raw = json.dumps({"v": CURSOR_FORMAT, "t": teams}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


def _nat(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def decode_cursor(cursor: Optional[str]) -> dict[str, TeamPosition]:
    if cursor is None or cursor == "":
        return {}
    if not isinstance(cursor, str) or len(cursor) > 100_000:
        raise _invalid()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _invalid() from None
    if not isinstance(data, dict) or data.get("v") != CURSOR_FORMAT or not isinstance(data.get("t"), dict):
        raise _invalid()
    out: dict[str, TeamPosition] = {}
    for team_id, pos in data["t"].items():
        if _nat(pos):
            out[team_id] = TeamPosition(pos)
        elif isinstance(pos, list) and len(pos) == 2 and _nat(pos[0]) and _nat(pos[1]):
            out[team_id] = TeamPosition(pos[0], pos[1])
        else:
            raise _invalid()
    return out
