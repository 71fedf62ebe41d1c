"""Field-level last-writer-wins merge: pure functions shared by the server and the clients.

A record's merge state is a plain JSON-able dict::

    {"fields": {name: value}, "hlcs": {name: hlc}, "owners": {name: [client_id, ...]},
     "deleted": bool, "deleted_hlc": hlc | None}

``owners`` lists the clients that wrote a field's current value, first writer first (several
when devices wrote the same value). It is optional on input (default: the client id at the end
of the field's hlc) and always present on output. Only the server needs it (for the conflict
log); a client that does not log conflicts may ignore it.

Rules (identical in the JavaScript client; ``tests/vectors/sync/merge.json`` pins them):

* **upsert** sets each given field whose incoming hlc is greater than the field's stored hlc
  (a field never written has no hlc and always takes the incoming value). An equal hlc means
  the same write seen again: nothing changes.
* A field whose incoming value loses (incoming hlc < stored hlc) and differs from the kept
  value is a conflict with ``loser == "incoming"``.
* A field whose incoming value wins over a *different* value that another client wrote
  (an owner other than the incoming client) is a conflict with ``loser == "existing"``: the
  overwritten value goes to the conflict log so a person can restore it. The server cannot
  tell whether the writer had seen the old value, so every such overwrite is logged.
  Overwriting a value only your own device wrote is not a conflict.
* Writing a value equal to the current one is never a conflict: the client joins the field's
  ``owners`` (and the field takes the hlc if it is newer), so whoever changes it later is
  logged as overwriting every other owner's value.
* **Deletes are final**: ``delete`` turns the record into a tombstone whatever the hlcs say
  (values stay in the tombstone server-side). A field owned by another client with an hlc
  *later* than the delete's loses to the tombstone and is logged (``loser == "existing"``).
  Deleting a tombstone again changes nothing.
* An **upsert on a tombstone** is rejected with ``record_deleted``; each of its fields is
  logged as a conflict (``loser == "incoming"``, ``kept_value`` null, ``kept_hlc`` the delete's).
* Every conflict names ``lost_by``: the client whose value lost (the incoming client, or the
  first other owner of the overwritten value).
* Values are compared as JSON: ``true`` is not ``1``, ``1`` equals ``1.0``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .hlc import client_of, parse_hlc

__all__ = ["FieldConflict", "MergeResult", "created_state", "empty_state", "json_equal", "merge_upsert", "merge_delete"]


def json_equal(a: Any, b: Any) -> bool:
    """Equality with JSON semantics (booleans are not numbers; 1 == 1.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return a is None and b is None
    return type(a) is type(b) and a == b


def _client_of(hlc: str) -> str:
    return client_of(hlc) if len(hlc) > 30 else parse_hlc(hlc).client_id


@dataclass
class FieldConflict:
    field: str
    kept_value: Any
    kept_hlc: str
    lost_value: Any
    lost_hlc: str
    loser: str  # "incoming" | "existing"
    lost_by: str  # client id whose value lost

    def to_dict(self) -> dict:
        return {
            "field": self.field,
            "kept_value": self.kept_value,
            "kept_hlc": self.kept_hlc,
            "lost_value": self.lost_value,
            "lost_hlc": self.lost_hlc,
            "loser": self.loser,
            "lost_by": self.lost_by,
        }


@dataclass
class MergeResult:
    status: str  # "applied" | "rejected"
    state: dict  # the resulting merge state (unchanged copy when rejected)
    changed: bool = False  # did the state change (a new version must be written)?
    changed_fields: list[str] = field(default_factory=list)
    conflicts: list[FieldConflict] = field(default_factory=list)
    error_code: str | None = None


def empty_state() -> dict:
    return {"fields": {}, "hlcs": {}, "owners": {}, "deleted": False, "deleted_hlc": None}


def _copy(state: Mapping | None) -> dict:
    if state is None:
        return empty_state()
    hlcs = dict(state.get("hlcs") or {})
    given = state.get("owners") or {}
    owners = {name: list(given.get(name) or [_client_of(h)]) for name, h in hlcs.items()}
    return {
        "fields": dict(state.get("fields") or {}),
        "hlcs": hlcs,
        "owners": owners,
        "deleted": bool(state.get("deleted", False)),
        "deleted_hlc": state.get("deleted_hlc"),
    }


def created_state(fields: Mapping[str, Any], hlc: str) -> dict:
    """The state :func:`merge_upsert` gives a record nothing was written to yet (most of a device's
    pushes: new entries): every field is set, by the writer of ``hlc``, and nothing conflicts."""
    names = sorted(fields)
    me = _client_of(hlc)
    return {"fields": {name: fields[name] for name in names}, "hlcs": dict.fromkeys(names, hlc),
            "owners": {name: [me] for name in names}, "deleted": False, "deleted_hlc": None}


def merge_upsert(state: Mapping | None, fields: Mapping[str, Any], hlc: str) -> MergeResult:
    """Apply an upsert of ``fields`` stamped ``hlc`` to ``state`` (``None``: record is new)."""
    if state is None or not (state.get("hlcs") or state.get("fields") or state.get("deleted")):
        # the general loop below gives the same result, one field at a time
        new = created_state(fields, hlc)
        if state is not None:
            new["deleted_hlc"] = state.get("deleted_hlc")
        return MergeResult("applied", new, changed=bool(new["hlcs"]), changed_fields=list(new["hlcs"]))
    me = _client_of(hlc)
    new = _copy(state)
    if new["deleted"]:
        conflicts = [
            FieldConflict(name, None, new["deleted_hlc"], value, hlc, "incoming", me)
            for name, value in sorted(fields.items())
        ]
        return MergeResult("rejected", new, conflicts=conflicts, error_code="record_deleted")
    result = MergeResult("applied", new)
    values, hlcs, owners = new["fields"], new["hlcs"], new["owners"]
    for name in sorted(fields):
        value = fields[name]
        stored_hlc = hlcs.get(name)
        if stored_hlc is None or name not in values:
            values[name], hlcs[name], owners[name] = value, hlc, [me]
            result.changed = True
            result.changed_fields.append(name)
            continue
        if hlc == stored_hlc:
            continue  # the very same write seen again
        old = values[name]
        if json_equal(old, value):
            # the same value from another write: it now belongs to this client too (so a later
            # change by any one of them is logged for the others); the newest hlc is kept
            if me not in owners[name]:
                owners[name] = owners[name] + [me]
                result.changed = True
            if hlc > stored_hlc:
                hlcs[name] = hlc
                result.changed = True
                result.changed_fields.append(name)
        elif hlc > stored_hlc:
            others = [c for c in owners[name] if c != me]
            if others:
                result.conflicts.append(FieldConflict(name, value, hlc, old, stored_hlc, "existing", others[0]))
            values[name], hlcs[name], owners[name] = value, hlc, [me]
            result.changed = True
            result.changed_fields.append(name)
        else:
            result.conflicts.append(FieldConflict(name, old, stored_hlc, value, hlc, "incoming", me))
    return result


def merge_delete(state: Mapping | None, hlc: str) -> MergeResult:
    """Apply a delete stamped ``hlc``. ``state`` None (unknown record) is rejected ``not_found``."""
    if state is None:
        return MergeResult("rejected", empty_state(), error_code="not_found")
    new = _copy(state)
    if new["deleted"]:
        return MergeResult("applied", new)
    me = _client_of(hlc)
    result = MergeResult("applied", new, changed=True)
    for name in sorted(new["hlcs"]):
        field_hlc = new["hlcs"][name]
        others = [c for c in new["owners"][name] if c != me]
        if field_hlc > hlc and others and name in new["fields"]:
            result.conflicts.append(FieldConflict(name, None, hlc, new["fields"][name], field_hlc, "existing", others[0]))
    new["deleted"] = True
    new["deleted_hlc"] = hlc
    return result
