"""Links between synced records (a note's ``huddle_id``, an action's ``idea_id``) stay inside one team.

A validator checks each link against the synced records themselves, not a read table: a huddle
created earlier in the same push is not projected yet, and one created on another device may even
arrive later than a note about it (both were made offline). So an id no record has yet is accepted
(the read tables and screens show what it links to once it arrives); an id of another team's record
is refused, naming the field, so no record can reach into another team.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa

from server.extensions import db
from server.sync_api.models import SyncRecord
from server.sync_api.validation import Check, invalid_fields
from sync import Actor, RecordInfo


@functools.cache
def _team_of() -> sa.Select:
    r = SyncRecord.__table__
    return sa.select(r.c.team_id).where(r.c.collection == sa.bindparam("collection"),
                                        r.c.record_id == sa.bindparam("record_id"))


def foreign_link(collection: str, record_id: str | None, team_id: str) -> bool:
    """True if ``record_id`` names a record of ``collection`` that belongs to another team."""
    if record_id is None:
        return False
    owner = db.session.connection().execute(_team_of(), {"collection": collection, "record_id": record_id}).scalar()
    return owner is not None and owner != team_id


def defaults_and_links(defaults: dict[str, Any], links: dict[str, tuple[str, str]]) -> Check:
    """A validator ``check`` that fills ``defaults`` on create and refuses any of ``links``
    (``{field: (collection, noun)}``; the field holds one id or a list of ids) naming another team's record."""

    def check(cleaned: dict, *, record_id: str, existing: RecordInfo | None, team_id: str, actor: Actor) -> dict:
        if existing is None:
            cleaned = {**defaults, **cleaned}
        errors: dict[str, list[str]] = {}
        for field, (collection, noun) in links.items():
            value = cleaned.get(field)
            ids = value if isinstance(value, list) else [value]
            foreign = [i for i in ids if foreign_link(collection, i, team_id)]
            if foreign:
                errors[field] = ([f"No {noun} of this team has this id."] if not isinstance(value, list)
                                 else [f"No {noun} of this team has the id {i}." for i in foreign])
        if errors:
            raise invalid_fields(errors)
        return cleaned

    return check
