"""Keep the capacity read tables in step with the synced records (called by the sync store).

Both projectors get every record of their collection that one push changed (live or tombstone)
and run inside that push's transaction, on its connection, with SQLAlchemy Core (the inserts and updates
of many rows through :class:`server.sync_api.driver.Bulk`):

* ``capacity_entries`` → :class:`CapacityEntry` rows (insert, update, delete), and
  :class:`CapacityWeeklyTotal` maintained incrementally: the entry's previous row (read from
  ``capacity_entries``, so what is subtracted is exactly what was once added) leaves its bucket
  ``(team, Monday of occurred_on, kind, category or '')`` and the new values join theirs. All
  bucket changes of a push are summed first and applied with one upsert statement; buckets left
  with no entries are deleted. It returns each changed bucket as a record of the read-only
  collection ``capacity_weekly_totals`` (an emptied one with 0 minutes and 0 entries), which the
  engine stamps in the same push: devices sum totals, not entries.
* ``time_lost_categories`` → :class:`TimeLostCategory` rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Sequence

import sqlalchemy as sa
from sqlalchemy import bindparam

from server.capacity.models import CapacityEntry, CapacityWeeklyTotal, TimeLostCategory, weekly_total_id
from server.core.weeks import week_start
from server.sync_api.driver import Bulk, db_date, db_time, in_list
from sync import StoredRecord

E = CapacityEntry.__table__
W = CapacityWeeklyTotal.__table__
K = TimeLostCategory.__table__


@lru_cache(maxsize=1024)
def _entry_day(iso_day: str) -> tuple[str, date, date]:
    """An entry's ``occurred_on`` as its DATE parameter, as a date, and the Monday of its week: the
    entries of a push fall on a few days, so each is converted once."""
    day = date.fromisoformat(iso_day)
    return db_date(iso_day), day, week_start(day)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)  # the engine's "...mmmZ" strings are aware UTC


class _Statements:
    def __init__(self, dialect: str) -> None:
        self.entries_old = sa.select(E.c.id, E.c.team_id, E.c.kind, E.c.minutes, E.c.occurred_on, E.c.category,
                                     E.c.note, E.c.updated_at).where(in_list(E.c.id, "ids", pg=dialect == "postgresql"))
        self.entry_insert = Bulk.insert(E, ("id", "team_id", "user_id", "kind", "minutes", "occurred_on", "category",
                                            "note", "created_at", "updated_at"))
        self.entry_update = Bulk.update(E, ("id",), ("kind", "minutes", "occurred_on", "category", "note", "updated_at"))
        self.entry_delete = E.delete().where(E.c.id.in_(bindparam("ids", expanding=True)))
        self.total_add = Bulk.add(W, ("team_id", "week_start", "kind", "category"), ("minutes", "entries"))
        self.totals_of_weeks = sa.select(W.c.team_id, W.c.week_start, W.c.kind, W.c.category, W.c.minutes,
                                         W.c.entries).where(W.c.team_id == bindparam("team_id"),
                                                            W.c.week_start.in_(bindparam("weeks", expanding=True)))
        self.total_drop_empty = W.delete().where(
            W.c.team_id == bindparam("team_id"), W.c.week_start == bindparam("week_start"),
            W.c.kind == bindparam("kind"), W.c.category == bindparam("category"), W.c.entries <= 0)
        self.categories_old = sa.select(K.c.id).where(K.c.id.in_(bindparam("ids", expanding=True)))
        self.category_insert = K.insert()
        self.category_update = K.update().where(K.c.id == bindparam("b_id")).values(
            name=bindparam("name"), former_names=bindparam("former_names"), position=bindparam("position"),
            archived=bindparam("archived"), updated_at=bindparam("updated_at"))
        self.category_delete = K.delete().where(K.c.id.in_(bindparam("ids", expanding=True)))


_STATEMENTS: dict[str, _Statements] = {}


def _sql(conn: sa.Connection) -> _Statements:
    name = conn.dialect.name
    if name not in _STATEMENTS:
        _STATEMENTS[name] = _Statements(name)
    return _STATEMENTS[name]


TOTALS_COLLECTION = "capacity_weekly_totals"


def project_capacity_entries(conn: sa.Connection, records: Sequence[StoredRecord], *,
                             created: frozenset[str] = frozenset()) -> list[StoredRecord]:
    """``created``: ids of records the push creates (the store knows they did not exist): they
    have no previous row, so only the others are looked up (a fresh push of 500 entries skips
    the lookup entirely)."""
    sql = _sql(conn)
    dialect = conn.dialect.name
    lookup = [r.record_id for r in records if r.record_id not in created]
    old = {row.id: row for row in conn.execute(sql.entries_old, {"ids": lookup})} if lookup else {}
    totals: dict[tuple[str, date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    deletes: list[str] = []
    for rec in records:
        prev = old.get(rec.record_id)
        if rec.deleted:
            if prev is not None:
                deletes.append(rec.record_id)
                bucket = totals[(prev.team_id, week_start(prev.occurred_on), prev.kind, prev.category or "")]
                bucket[0] -= prev.minutes
                bucket[1] -= 1
            continue
        f = rec.fields
        kind, minutes, category, note = f["kind"], f["minutes"], f.get("category"), f.get("note")
        occurred_on, day, week = _entry_day(f["occurred_on"])
        updated_at = db_time(rec.updated_at, dialect)
        if prev is None:
            inserts.append({"id": rec.record_id, "team_id": rec.team_id, "user_id": rec.user_id, "kind": kind,
                            "minutes": minutes, "occurred_on": occurred_on, "category": category, "note": note,
                            "created_at": db_time(rec.created_at, dialect), "updated_at": updated_at})
        else:
            if (prev.kind, prev.minutes, prev.occurred_on, prev.category, prev.note) == (
                    kind, minutes, day, category, note):
                continue  # only bookkeeping changed (e.g. another device wrote the same value)
            updates.append({"b_id": rec.record_id, "kind": kind, "minutes": minutes, "occurred_on": occurred_on,
                            "category": category, "note": note, "updated_at": updated_at})
            bucket = totals[(prev.team_id, week_start(prev.occurred_on), prev.kind, prev.category or "")]
            bucket[0] -= prev.minutes
            bucket[1] -= 1
        bucket = totals[(rec.team_id, week, kind, category or "")]
        bucket[0] += minutes
        bucket[1] += 1
    sql.entry_insert.execute(conn, inserts)
    sql.entry_update.execute(conn, updates)
    if deletes:
        conn.execute(sql.entry_delete, {"ids": deletes})
    changes = [{"team_id": k[0], "week_start": k[1].isoformat(), "kind": k[2], "category": k[3], "minutes": m,
                "entries": n} for k, (m, n) in sorted(totals.items()) if m or n]
    if not changes:
        return []
    sql.total_add.execute(conn, changes)
    emptied = [c for c in changes if c["entries"] < 0]
    if emptied:
        conn.execute(sql.total_drop_empty, [{"team_id": c["team_id"], "week_start": date.fromisoformat(c["week_start"]),
                                             "kind": c["kind"], "category": c["category"]} for c in emptied])
    return _weekly_total_records(conn, sql, {(c["team_id"], date.fromisoformat(c["week_start"]), c["kind"], c["category"])
                                             for c in changes})


def _weekly_total_records(conn: sa.Connection, sql: "_Statements", buckets: set[tuple[str, date, str, str]]
                          ) -> list[StoredRecord]:
    """The changed buckets as they now stand, as ``capacity_weekly_totals`` records (unstamped: the
    engine gives them versions, times and hlcs)."""
    now: dict[tuple, tuple[int, int]] = {}
    weeks_by_team: dict[str, set[date]] = defaultdict(set)
    for team_id, week, _, _ in buckets:
        weeks_by_team[team_id].add(week)
    for team_id, weeks in weeks_by_team.items():
        for row in conn.execute(sql.totals_of_weeks, {"team_id": team_id, "weeks": sorted(weeks)}):
            week = row.week_start if isinstance(row.week_start, date) else date.fromisoformat(row.week_start)
            now[(row.team_id, week, row.kind, row.category)] = (row.minutes, row.entries)
    out = []
    for bucket in sorted(buckets):
        team_id, week, kind, category = bucket
        minutes, entries = now.get(bucket, (0, 0))
        fields = {"week_start": week.isoformat(), "kind": kind, "category": category or None,
                  "minutes": minutes, "entries": entries}
        out.append(StoredRecord(TOTALS_COLLECTION, weekly_total_id(team_id, week, kind, category), team_id, "", "", "",
                                0, fields))
    return out


def project_time_lost_categories(conn: sa.Connection, records: Sequence[StoredRecord]) -> None:
    sql = _sql(conn)
    existing = set(conn.execute(sql.categories_old, {"ids": [r.record_id for r in records]}).scalars())
    inserts, updates, deletes = [], [], []
    for rec in records:
        if rec.deleted:
            if rec.record_id in existing:
                deletes.append(rec.record_id)
            continue
        f = rec.fields
        row = {"name": f["name"], "former_names": list(f.get("former_names") or []),
               "position": f.get("position", 0), "archived": f.get("archived", False),
               "updated_at": _time(rec.updated_at)}
        if rec.record_id in existing:
            updates.append({**row, "b_id": rec.record_id})
        else:
            inserts.append({**row, "id": rec.record_id, "team_id": rec.team_id, "created_at": _time(rec.created_at)})
    if inserts:
        conn.execute(sql.category_insert, inserts)
    if updates:
        conn.execute(sql.category_update, updates)
    if deletes:
        conn.execute(sql.category_delete, {"ids": deletes})
