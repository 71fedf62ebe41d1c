"""Server-side writes of measures and weekly values, always through the sync engine.

Devices write measures and values through ``/api/sync/push``; the server writes the same records with
the same rules (validation, permissions, conflict log, history) through the engine, so typed tables,
devices and conflict history never disagree. Flush, never commit: the route commits.
"""

from __future__ import annotations

from typing import Any

from server.accounts.models import User
from server.measures.collections import MEASURE_VALUES
from server.measures.models import measure_value_id


def value_mutations(team_id: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Upserts of ``measure_values`` for rows with ``measure_id``, ``week_start`` and ``value``."""
    return [
        {
            "collection": MEASURE_VALUES,
            "record_id": measure_value_id(row["measure_id"], row["week_start"]),
            "op": "upsert",
            "fields": {"team_id": team_id, "measure_id": row["measure_id"], "week_start": row["week_start"],
                       "value": row["value"]},
        }
        for row in rows
    ]


def write_measure_values(user: User, team_id: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write the values through the engine as ``user``'s server client; returns the engine's results.

    ``write_as_server`` commits each batch of 500 mutations, so callers that need all-or-nothing pass at
    most 500 rows (one batch, one transaction) and check every row beforehand with the same rules.
    """
    from server.sync_api.operations import write_as_server

    return write_as_server(user, value_mutations(team_id, rows), batch_size=500)
