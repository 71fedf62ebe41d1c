"""The server's engine: :class:`sync.SyncEngine` plus one check the pure engine cannot make.

The engine accepts any 1-128 character record id. Two kinds cannot be stored: text with a NUL
character or a lone surrogate (neither PostgreSQL nor UTF-8 can hold them), and ids longer than
the primary key of a collection's typed read table (``capacity_entries.id`` is 36 characters).
Such a mutation is ``rejected`` with ``validation_error`` like any other invalid mutation, so it
can never turn a whole push into a server error that the device would retry for ever.
"""

from __future__ import annotations

import re
from typing import Any, Mapping, NamedTuple

from server.sync_api.encoding import EncodedChange
from sync import Collection, Rejected, SyncEngine

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(text: str) -> bool:
    """True if both databases can store ``text`` (no NUL, no lone surrogate)."""
    return _UNSTORABLE.search(text) is None


class EncodedRow(NamedTuple):
    """A record read for a pull: its version and its change, already JSON text (the SQL of
    :func:`server.sync_api.store.change_json` writes it). Only :meth:`ServerSyncEngine.change_for`
    reads these."""

    version: int
    json: str


class ServerSyncEngine(SyncEngine):
    def __init__(self, store: Any, *, record_id_limits: Mapping[str, int], **kwargs: Any) -> None:
        super().__init__(store, **kwargs)
        self.record_id_limits = record_id_limits

    def changes_for(self, records: list[Any], windows: Any = ()) -> list[Any]:  # type: ignore[override]
        """The store's :class:`EncodedRow` s become one :class:`EncodedChange` holding them all, as
        they are (a Python step per change was a tenth of a page); records from elsewhere (a memory
        store in tests) take the engine's path."""
        if not records:
            return []
        if all(type(rec) is EncodedRow for rec in records):
            return [EncodedChange(",".join([rec.json for rec in records]))]
        return super().changes_for(records, windows)

    def check_record_id(self, collection: Collection, record_id: Any) -> None:
        if isinstance(record_id, str):
            limit = self.record_id_limits.get(collection.name, 128)
            if not (1 <= len(record_id) <= limit and storable_text(record_id)):
                raise Rejected("validation_error", "Invalid record id.",
                               {"record_id": [f"Required string of 1-{limit} characters without NUL."]})
        super().check_record_id(collection, record_id)
