"""Who is syncing (:class:`Actor`) and what can be synced (:class:`Collection`).

The engine knows nothing about specific collections: the server registers each one with
its validator and permission policy. Team-level access is checked by the engine itself:
a device pulls every record of the teams in ``actor.readable_team_ids`` and may only write
to ``actor.writable_team_ids``; the collection's policy then decides per record.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Protocol

from .errors import Rejected

__all__ = [
    "Actor",
    "RecordInfo",
    "Collection",
    "SyncWindow",
    "Validator",
    "DerivedId",
    "name_based_id",
    "CreatePolicy",
    "RecordPolicy",
    "any_team_writer",
    "any_team_writer_record",
    "author_or_lead",
    "RESERVED_FIELDS",
    "RECORD_META",
]

#: A record's meta keys as a pulled change's ``record`` carries them after its fields, in this order,
#: each with the :class:`~sync.store.StoredRecord` attribute it comes from (``change_for``, and the
#: server's SQL that writes the same JSON, are both built from this list).
RECORD_META = (("id", "record_id"), ("team_id", "team_id"), ("user_id", "user_id"),
               ("created_at", "created_at"), ("updated_at", "updated_at"))

#: Keys the server owns; they never appear in a mutation's ``fields`` (``team_id`` only on create).
RESERVED_FIELDS = frozenset(key for key, _ in RECORD_META)


@dataclass(frozen=True)
class Actor:
    """The authenticated caller of one request (built by the HTTP layer from the token).

    ``writable_team_ids`` are the teams where the actor may write *something* (members, and
    coaches, who write coach things such as measures); ``member_team_ids`` are the teams the actor
    belongs to, which the default policies require (None: the same as ``writable_team_ids``).
    """

    user_id: str
    client_id: str  # the device id bound to the token
    readable_team_ids: frozenset[str] = field(default_factory=frozenset)
    writable_team_ids: frozenset[str] = field(default_factory=frozenset)
    lead_team_ids: frozenset[str] = field(default_factory=frozenset)
    member_team_ids: Optional[frozenset[str]] = None
    #: The server itself writing (not a device): it makes the name-based ids it writes from the
    #: right team (adopted ideas, demo data), so :meth:`Collection.check_new_id` lets them through.
    server_writes: bool = False

    def __post_init__(self) -> None:  # accept any iterable, store frozensets
        for name in ("readable_team_ids", "writable_team_ids", "lead_team_ids"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))
        members = self.writable_team_ids if self.member_team_ids is None else self.member_team_ids
        object.__setattr__(self, "member_team_ids", frozenset(members))

    def can_read(self, team_id: str) -> bool:
        return team_id in self.readable_team_ids

    def can_write(self, team_id: str) -> bool:
        return team_id in self.writable_team_ids

    def is_member(self, team_id: str) -> bool:
        return team_id in self.member_team_ids and team_id in self.writable_team_ids

    def is_lead(self, team_id: str) -> bool:
        return team_id in self.lead_team_ids


@dataclass(frozen=True)
class RecordInfo:
    """What a policy or validator may know about an existing record."""

    collection: str
    record_id: str
    team_id: str
    user_id: str  # the author
    fields: Mapping[str, Any]
    created_at: str
    updated_at: str


class Validator(Protocol):
    def __call__(self, fields: dict[str, Any], *, record_id: str, existing: Optional[RecordInfo], team_id: str,
                 actor: Actor) -> dict[str, Any]:
        """Return the cleaned fields (never ``team_id`` or other reserved keys), or raise
        :class:`Rejected` (usually code ``validation_error`` with ``fields``).

        ``record_id`` is the id of the record the mutation writes (some collections derive ids
        from fields and check them). ``existing`` is None on create: the validator then enforces
        required fields. On an update only the given fields are validated (a partial change)."""


#: ``derived_id(team_id, fields)``: the id a new record with these (cleaned) fields in this team is
#: derived as, or None if these fields derive none (see :attr:`Collection.derived_id`).
DerivedId = Callable[[str, Mapping[str, Any]], Optional[str]]

CreatePolicy = Callable[[Actor, str], bool]  # (actor, team_id) -> may create in that team?
RecordPolicy = Callable[[Actor, RecordInfo], bool]  # (actor, record) -> may edit / delete it?


def any_team_writer(actor: Actor, team_id: str) -> bool:
    """Any member of the team (the default: coaches write only what a collection lets them)."""
    return actor.is_member(team_id)


def any_team_writer_record(actor: Actor, record: RecordInfo) -> bool:
    return actor.is_member(record.team_id)


def author_or_lead(actor: Actor, record: RecordInfo) -> bool:
    """Only the record's author or a lead of its team (e.g. ``capacity_entries``)."""
    return actor.is_member(record.team_id) and (record.user_id == actor.user_id or actor.is_lead(record.team_id))


def name_based_id(record_id: str) -> bool:
    """True if ``record_id`` is a name-based uuid (version 3 or 5) in its canonical text form: anyone
    can compute it from a name in advance, so a collection must say whose it is
    (:meth:`Collection.check_new_id`). Other spellings of it are other record ids, which no derived
    id (always canonical) can equal."""
    if len(record_id) != 36 or record_id[14] not in "35":  # a push's random ids stop here (0.2 µs, not 7)
        return False
    try:
        return uuid.UUID(record_id).version in (3, 5)
    except ValueError:
        return False


_ID_NOT_FOR_TEAM = "This record id cannot be used for a new record of this team."


def _accept_all(fields: dict[str, Any], **_: Any) -> dict[str, Any]:
    return dict(fields)


def _team_wide(actor: Actor, team_id: str) -> bool:
    return False


@dataclass(frozen=True)
class SyncWindow:
    """Which of a collection's records a device keeps (a *sync window*; see docs/sync-protocol.md §7a).

    * ``field``: the record field that places a record in time (an ISO date or time: text that
      sorts in time order, e.g. ``occurred_on``);
    * ``start``: the lowest value of ``field`` a device keeps now (called once per pull; the server
      moves it with the calendar). Older records are never sent, and leave devices;
    * ``own_only(actor, team_id)``: True when this actor's devices keep only records the actor wrote
      (staff keep their own entries, leads the team's).
    """

    field: str
    start: Callable[[], str]
    own_only: Callable[[Actor, str], bool] = _team_wide


@dataclass(frozen=True)
class Collection:
    """A synced collection, registered with :meth:`sync.SyncEngine.register`.

    * ``validate``: see :class:`Validator`.
    * ``immutable_fields``: fields that may be set on create but never changed later
      (``team_id`` is always immutable; it is handled by the engine).
    * ``can_create`` / ``can_update`` / ``can_delete``: permission policies. The engine has
      already checked that the team is writable by the actor.
    * ``read_only``: the server writes its records (derived from other collections in the same
      push, see :meth:`sync.store.StoreTx.put_records`); every device mutation is ``forbidden``.
    * ``window``: a :class:`SyncWindow`; None: devices keep every live record of their teams.
    * ``derived_id``: how ids are derived from a record's team and fields (a :data:`DerivedId`), for
      collections whose records have a predictable id (uuid5 of the team, of a measure and a week, of
      a default category's name) so devices creating "the same" record offline create one. Such an
      id is public knowledge, so another team could create a record under it first and make the
      rightful team's create fail for ever. :meth:`check_new_id` prevents that: a new record with a
      name-based id is accepted only with the id derived for its own team and fields; None: the
      collection's ids are free (random uuids), and no new record may have a name-based one.
    * ``derived_ids_only``: every id of the collection is derived (one record per team, or per
      measure and week): a new record must have exactly ``derived_id``'s id, whatever its shape.
    """

    name: str
    validate: Validator = _accept_all  # type: ignore[assignment]
    immutable_fields: frozenset[str] = frozenset()
    can_create: CreatePolicy = any_team_writer
    can_update: RecordPolicy = any_team_writer_record
    can_delete: RecordPolicy = any_team_writer_record
    read_only: bool = False
    window: Optional[SyncWindow] = None
    derived_id: Optional[DerivedId] = None
    derived_ids_only: bool = False

    def check_new_id(self, actor: Actor, record_id: str, team_id: str, fields: Mapping[str, Any], *,
                     taken: bool = False) -> None:
        """Refuse a new record's id that is derived for another team (or other fields), or ``taken``
        by a record of a team the actor cannot see. Both get the same error, so it never tells
        whether another team has a record with that id."""
        derived = self.derived_id(team_id, fields) if self.derived_id is not None else None
        if record_id == derived and not taken:
            return
        if taken or self.derived_ids_only or (name_based_id(record_id) and not actor.server_writes):
            raise Rejected("validation_error", _ID_NOT_FOR_TEAM, {"record_id": [
                "Must be the id derived from this record's team and fields." if self.derived_ids_only else
                "Must be a random uuid, or the id derived from this record's team and fields."]})

    def check_create(self, actor: Actor, team_id: str) -> None:
        if not self.can_create(actor, team_id):
            raise Rejected("forbidden", f"You may not create {self.name} in this team.")

    def check_update(self, actor: Actor, record: RecordInfo) -> None:
        if not self.can_update(actor, record):
            raise Rejected("forbidden", "You may not edit this record.")

    def check_delete(self, actor: Actor, record: RecordInfo) -> None:
        if not self.can_delete(actor, record):
            raise Rejected("forbidden", "You may not delete this record.")
