"""Valueboard's sync engine: a pure-Python library (standard library only).

* :mod:`sync.hlc` - hybrid logical clock strings that sort as text;
* :mod:`sync.merge` - field-level last-writer-wins, shared with the JavaScript client;
* :mod:`sync.engine` - :class:`SyncEngine` with ``push``, ``pull``, ``conflicts``, ``purge``;
* :mod:`sync.store` - the storage interface (:class:`Store`), :mod:`sync.memory` - in memory;
* :mod:`sync.registry` - :class:`Actor`, :class:`Collection` and permission policies;
* :mod:`sync.client` - the reference client algorithm (outbox, confirmation, rebase).

The wire protocol is documented in ``docs/sync-protocol.md``.
"""
from .client import SyncClient
from .cursor import decode_cursor, encode_cursor
from .engine import SUPPORTED_SCHEMA_VERSIONS, SyncEngine
from .errors import Rejected, StoreUnavailable, SyncError
from .hlc import (Hlc, HlcError, HlcTimestamp, compact_hlcs, expand_hlcs, format_hlc, format_time, parse_hlc,
                  parse_time)
from .memory import MemoryStore
from .merge import FieldConflict, MergeResult, json_equal, merge_delete, merge_upsert
from .registry import Actor, Collection, RecordInfo, any_team_writer, any_team_writer_record, author_or_lead
from .store import ConflictEntry, DeviceState, RejectedMutation, Store, StoredRecord, StoreTx, TeamState

__all__ = [
    "Actor", "Collection", "ConflictEntry", "DeviceState", "FieldConflict", "Hlc", "HlcError",
    "HlcTimestamp", "MemoryStore", "MergeResult", "RecordInfo", "Rejected", "RejectedMutation",
    "SUPPORTED_SCHEMA_VERSIONS", "Store", "StoreTx", "StoreUnavailable", "StoredRecord", "SyncClient",
    "SyncEngine", "SyncError", "TeamState", "any_team_writer", "any_team_writer_record",
    "author_or_lead", "compact_hlcs", "decode_cursor", "encode_cursor", "expand_hlcs", "format_hlc", "format_time", "json_equal",
    "merge_delete", "merge_upsert", "parse_hlc", "parse_time",
]
