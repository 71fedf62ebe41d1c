"""The reference sync client: the algorithm the PWA implements, without any storage or I/O.

State (a real client keeps it in IndexedDB; writes to ``outbox`` are durable before the UI
says "saved"):

* ``base``: the server's state as last pulled, ``{(collection, record_id): {"record": {...},
  "hlcs": {field: hlc}}}`` (every field's hlc, expanded from the pull's compact form; live
  records only: a pulled tombstone removes the entry);
* ``outbox``: local mutations in id order, each with the ``result`` the server reported
  (``None`` while unknown);
* ``acked_id``: the highest mutation id the server is known to have processed (from a push
  response *or* a pull's ``last_mutation_id``: a lost push response loses nothing);
* ``pulled_id``: ``last_mutation_id`` of the last *complete* pull (paged until ``has_more``
  was false): the effects of every mutation up to it are in ``base``;
* ``cursor``; ``needs_attention``: rejected mutations with their errors, for the user to fix
  and resubmit (as a new mutation) or discard.

What the user sees (:meth:`view`) is ``base`` with the outbox entries not yet reflected in
it (``id > pulled_id``, not rejected) re-applied on top with the same merge rules as the
server (:mod:`sync.merge`): pending local changes are *rebased* over every pull.

Confirmation: an entry leaves the outbox once its result is known and a complete pull has
included it (``id <= pulled_id``). An entry confirmed only by a pull (its push response was
lost) is sent once more: the server answers ``duplicate``, with the original ``error`` if it
had been rejected, so a refusal is never silently lost. Entries still to send are always the
outbox's tail, so every push is a consecutive run of ids, as the server requires.

:meth:`sync` drives one round (push until nothing is left to send, then pull until
``has_more`` is false) over a ``send(kind, payload) -> (status, body)`` callable, where
``kind`` is ``"push"`` or ``"pull"``; ``send`` raises ``ConnectionError`` for network failures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from .hlc import Hlc, expand_hlcs
from .merge import merge_delete, merge_upsert

__all__ = ["SyncClient", "OutboxEntry", "SyncStop", "META_KEYS", "field_hlcs"]

META_KEYS = ("id", "team_id", "user_id", "created_at", "updated_at")
Send = Callable[[str, dict], tuple[int, dict]]


def field_hlcs(change: dict) -> dict[str, str]:
    """Every field's hlc of a pulled live change (sent compactly: ``hlc`` for most fields,
    ``hlcs`` for the others; see :func:`sync.hlc.compact_hlcs`)."""
    record = change["record"]
    return expand_hlcs((k for k in record if k not in META_KEYS), change.get("hlc"), change.get("hlcs") or {})

#: what a client does with each failure (docs/sync-protocol.md, "Errors")
FATAL_STATUSES = {401: "signed_out", 403: "forbidden"}


class SyncStop(Exception):
    """The round cannot continue. ``retry`` says whether to back off and try again later."""

    def __init__(self, reason: str, retry: bool, status: Optional[int] = None, body: Any = None) -> None:
        super().__init__(reason)
        self.reason, self.retry, self.status, self.body = reason, retry, status, body


@dataclass
class OutboxEntry:
    mutation: dict
    result: Optional[dict] = None  # the server's result entry, once known

    @property
    def id(self) -> int:
        return self.mutation["id"]


@dataclass
class SyncClient:
    client_id: str
    clock: Hlc
    schema_version: int = 1
    max_batch: int = 500
    pull_limit: int = 500
    base: dict[tuple[str, str], dict] = field(default_factory=dict)
    outbox: list[OutboxEntry] = field(default_factory=list)
    next_id: int = 1
    acked_id: int = 0
    pulled_id: int = 0
    cursor: str = ""
    needs_attention: list[dict] = field(default_factory=list)

    # ------------------------------------------------------------------------------------------
    # local writes: update the view and append to the outbox (one local transaction)
    # ------------------------------------------------------------------------------------------
    def _append(self, mutation: dict) -> dict:
        mutation = {"id": self.next_id, **mutation}
        self.next_id += 1
        self.outbox.append(OutboxEntry(mutation))
        return mutation

    def upsert(self, collection: str, record_id: str, fields: dict) -> dict:
        return self._append({"collection": collection, "record_id": record_id, "op": "upsert",
                             "hlc": self.clock.now(), "fields": dict(fields)})

    def delete(self, collection: str, record_id: str) -> dict:
        return self._append({"collection": collection, "record_id": record_id, "op": "delete",
                             "hlc": self.clock.now()})

    # ------------------------------------------------------------------------------------------
    # the view: base + pending mutations rebased on top
    # ------------------------------------------------------------------------------------------
    def pending(self) -> list[OutboxEntry]:
        """Entries whose effect is not (known to be) in ``base`` yet."""
        return [e for e in self.outbox if e.id > self.pulled_id and not _rejected(e)]

    def view(self) -> dict[tuple[str, str], dict]:
        """``{key: record dict}`` of live records as the user should see them."""
        states: dict[tuple[str, str], dict] = {}
        meta: dict[tuple[str, str], dict] = {}
        for key, entry in self.base.items():
            rec = entry["record"]
            states[key] = {"fields": {k: v for k, v in rec.items() if k not in META_KEYS},
                           "hlcs": dict(entry["hlcs"]), "deleted": False, "deleted_hlc": None}
            meta[key] = {k: rec[k] for k in META_KEYS if k in rec}
        for e in self.pending():
            m = e.mutation
            key = (m["collection"], m["record_id"])
            if m["op"] == "delete":
                if key in states:
                    states[key] = merge_delete(states[key], m["hlc"]).state
                continue
            fields = dict(m["fields"])
            team_id = fields.pop("team_id", None)
            result = merge_upsert(states.get(key), fields, m["hlc"])
            if result.status == "applied":
                states[key] = result.state
                meta.setdefault(key, {"id": m["record_id"], "team_id": team_id})
        return {
            key: {**s["fields"], **meta[key]}
            for key, s in states.items() if not s["deleted"]
        }

    # ------------------------------------------------------------------------------------------
    # push
    # ------------------------------------------------------------------------------------------
    def push_request(self) -> Optional[dict]:
        """The next push body, or None if nothing needs sending (a consecutive run of ids)."""
        todo = [e.mutation for e in self.outbox if e.result is None][: self.max_batch]
        if not todo:
            return None
        return {"client_id": self.client_id, "schema_version": self.schema_version, "mutations": todo}

    def on_push_response(self, status: int, body: dict) -> None:
        """Apply a push response; raises :class:`SyncStop` for anything but 200 (after any
        local fix-up, e.g. splitting the batch on 413 or rewinding on 409)."""
        if status == 200:
            self._observe(body)
            self.acked_id = max(self.acked_id, body["last_mutation_id"])
            by_id = {e.id: e for e in self.outbox}
            for res in body["results"]:
                entry = by_id.get(res["id"])
                if entry is None:
                    continue
                entry.result = res
                if _rejected(entry):
                    self.needs_attention.append({"mutation": entry.mutation, "error": res["error"]})
            self.outbox = [e for e in self.outbox if not _rejected(e) and not (e.result and e.id <= self.pulled_id)]
            return
        raise self._failure(status, body)

    def _failure(self, status: Optional[int], body: Any) -> SyncStop:
        code = (body or {}).get("error", {}).get("code") if isinstance(body, dict) else None
        if status in FATAL_STATUSES:  # token revoked/expired, or device not allowed: stop, no retry loop
            return SyncStop(FATAL_STATUSES[status], retry=False, status=status, body=body)
        if status == 409 and code == "mutation_gap":
            expected = body["error"]["expected_id"]
            resend = [e.id for e in self.outbox if e.id >= expected]
            if resend != list(range(expected, self.next_id)):
                # the server wants mutations this device no longer has (e.g. the server was
                # restored from a backup): nothing safe to resend; re-register the device
                return SyncStop("server_lost_mutations", retry=False, status=status, body=body)
            for e in self.outbox:  # resend everything from expected_id
                if e.id >= expected:
                    e.result = None
            self.acked_id = min(self.acked_id, expected - 1)
            return SyncStop("resend", retry=True, status=status, body=body)
        if status == 413:
            self.max_batch = max(1, self.max_batch // 2)
            return SyncStop("split", retry=True, status=status, body=body)
        if status == 426:
            return SyncStop("update_required", retry=False, status=status, body=body)
        if status in (400, 422):  # a malformed request: a client bug; keep the queue, report it
            return SyncStop("client_bug", retry=False, status=status, body=body)
        return SyncStop("backoff", retry=True, status=status, body=body)  # 429, 5xx, network

    # ------------------------------------------------------------------------------------------
    # pull
    # ------------------------------------------------------------------------------------------
    def pull_request(self) -> dict:
        return {"cursor": self.cursor, "limit": self.pull_limit}

    def on_pull_response(self, status: int, body: dict) -> bool:
        """Apply one pull page; returns ``has_more``."""
        if status != 200:
            if status == 400 and (body or {}).get("error", {}).get("code") == "invalid_cursor":
                self.cursor = ""  # start over; drop_teams cannot come, so clear the copy too
                self.base.clear()
                return True
            raise self._failure(status, body)
        self._observe(body)
        drops = set(body["drop_teams"])
        if drops:  # before the changes: a dropped team's full state may follow
            self.base = {k: v for k, v in self.base.items() if v["record"].get("team_id") not in drops}
        newest = None
        for ch in body["changes"]:
            key = (ch["collection"], ch["record_id"])
            if ch["deleted"]:  # a delete, or (``left``) the record left this device's sync window
                self.base.pop(key, None)
                continue
            hlcs = field_hlcs(ch)
            self.base[key] = {"record": dict(ch["record"]), "hlcs": hlcs}
            for h in hlcs.values():
                if newest is None or h > newest:
                    newest = h
        if newest is not None:
            self.clock.receive(newest)  # later local edits sort after everything seen
        self._leave_windows(body.get("windows") or {})
        self.cursor = body["cursor"]
        last = body["last_mutation_id"]
        if last > self.acked_id:
            self.acked_id = last
        if not body["has_more"]:
            self.pulled_id = max(self.pulled_id, last)
            self.outbox = [e for e in self.outbox if not (e.id <= self.pulled_id and e.result is not None)]
        return body["has_more"]

    def _leave_windows(self, windows: dict) -> None:
        """Forget records older than their collection's sync window, except those with changes not
        yet confirmed (their outbox entries stay and are sent; the next pull after that drops them)."""
        if not windows:
            return
        pending = {(e.mutation["collection"], e.mutation["record_id"]) for e in self.outbox}
        for key in [k for k in self.base if k[0] in windows and k not in pending]:
            window = windows[key[0]]
            value = self.base[key]["record"].get(window["field"])
            if isinstance(value, str) and value < window["from"]:
                del self.base[key]

    def _observe(self, body: dict) -> None:
        if isinstance(body, dict) and isinstance(body.get("server_time"), str):
            self.clock.observe_server_time(body["server_time"])

    # ------------------------------------------------------------------------------------------
    # one sync round
    # ------------------------------------------------------------------------------------------
    def sync(self, send: Send, max_requests: int = 1000) -> None:
        """Push until nothing is left to send, then pull until ``has_more`` is false.

        Raises :class:`SyncStop` (``retry`` True: back off and call again later) or
        ``ConnectionError`` from ``send`` (also: back off and retry)."""
        for _ in range(max_requests):
            req = self.push_request()
            if req is None:
                break
            status, body = send("push", req)
            try:
                self.on_push_response(status, body)
            except SyncStop as stop:
                if stop.reason in ("resend", "split"):
                    continue  # fixed locally; try again at once
                raise
        for _ in range(max_requests):
            status, body = send("pull", self.pull_request())
            if not self.on_pull_response(status, body):
                return
        raise SyncStop("too_many_requests", retry=True)


def _rejected(entry: OutboxEntry) -> bool:
    return entry.result is not None and entry.result.get("error") is not None and (
        entry.result["status"] == "rejected" or entry.result["status"] == "duplicate"
    )
