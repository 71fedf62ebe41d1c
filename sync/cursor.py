"""Pull cursors: opaque to clients, ``base64url(compact JSON)`` without padding.

Decoded form: ``{"v": 1, "t": {team_id: position}}`` where ``position`` is

* ``n`` (an int): the device has every change of the team up to version ``n``;
* ``[n, s]``: a full copy of the team is being sent (first sync of the team, or after a
  drop): live records up to version ``n`` were sent; tombstones with version ``<= s`` (the
  team's version when the full copy started) are skipped, because the device had no copy
  of the team before that point.

and, since sync windows (all optional, so older cursors still read):

* ``"a"``: the server time the cursor was issued (``...mmmZ``): a record created after it was never
  sent on it, so it needs no *left* notice when it changes outside the window;
* ``"o"``: the teams whose windowed collections were sent to this device as the user's own records
  only (staff); a team whose scope differs now (a promotion to lead) is dropped and sent again;
* ``"p"``: ``[done, total]`` records of the full copies under way (a first sync's progress).

Clients must treat the string as opaque and send it back unchanged.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Optional

from .errors import SyncError

__all__ = ["TeamPosition", "CursorState", "encode_cursor", "decode_cursor", "decode_cursor_state", "CURSOR_FORMAT"]

CURSOR_FORMAT = 1


@dataclass(frozen=True)
class TeamPosition:
    version: int
    full_since: Optional[int] = None  # not None while a full copy is being sent


@dataclass(frozen=True)
class CursorState:
    positions: dict[str, TeamPosition]
    issued: Optional[str] = None
    own: Optional[frozenset[str]] = None  # None: a cursor from before sync windows (every team whole)
    progress: Optional[tuple[int, int]] = None


def _invalid() -> SyncError:
    return SyncError(400, "invalid_cursor", "The cursor is not one this server issued; pull again with an empty cursor.")


def encode_cursor(positions: dict[str, TeamPosition], *, issued: Optional[str] = None,
                  own: Optional[frozenset[str]] = None, progress: Optional[tuple[int, int]] = None) -> str:
    teams = {
        t: (p.version if p.full_since is None else [p.version, p.full_since])
        for t, p in sorted(positions.items())
    }
    data: dict = {"v": CURSOR_FORMAT, "t": teams}
    if issued is not None:
        data["a"] = issued
    if own is not None:
        data["o"] = sorted(own)
    if progress is not None:
        data["p"] = list(progress)
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


def _nat(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def decode_cursor(cursor: Optional[str]) -> dict[str, TeamPosition]:
    return decode_cursor_state(cursor).positions


def decode_cursor_state(cursor: Optional[str]) -> CursorState:
    if cursor is None or cursor == "":
        return CursorState({}, own=frozenset())
    if not isinstance(cursor, str) or len(cursor) > 100_000:
        raise _invalid()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):  # RecursionError: nested 1,000 deep
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
    issued, own, progress = data.get("a"), data.get("o"), data.get("p")
    if issued is not None and (not isinstance(issued, str) or len(issued) > 40):
        raise _invalid()
    if own is not None:
        if not isinstance(own, list) or not all(isinstance(t, str) for t in own):
            raise _invalid()
        own = frozenset(own)
    if progress is not None:
        if not (isinstance(progress, list) and len(progress) == 2 and all(_nat(n) for n in progress)):
            raise _invalid()
        progress = (progress[0], progress[1])
    return CursorState(out, issued, own, progress)
