"""Who is syncing, as the server knows them, and the policies collections build from access rules.

:mod:`server.organisations.access` is the only home of the rules (who may read, write or manage
which team). A request computes the caller's :class:`Access` once (``operations.actor_for``, one
query) and hands the engine a :class:`ServerActor` that carries it, so a collection's policy asks
``actor.access`` and a push never queries the database for permissions mutation by mutation::

    Collection("ideas", validate=..., can_create=team_rule(Access.can_write),
               can_update=author_or_manager, can_delete=author_or_manager)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from server.organisations.access import Access
from server.sync_api.validation import Check, invalid_fields
from sync import Actor, Collection, RecordInfo
from sync.registry import CreatePolicy, RecordPolicy, Validator

#: An access rule about one team, such as :meth:`Access.can_manage`.
TeamRule = Callable[[Access, str], bool]


@dataclass(frozen=True)
class ServerActor(Actor):
    """A :class:`sync.Actor` whose team sets come from ``access``, which policies ask directly."""

    access: Access = field(kw_only=True)


def team_rule(rule: TeamRule) -> CreatePolicy:
    """The create policy "``rule`` holds for the team", e.g. ``team_rule(Access.can_manage)``."""

    def policy(actor: ServerActor, team_id: str) -> bool:
        return rule(actor.access, team_id)

    return policy


def record_rule(rule: TeamRule) -> RecordPolicy:
    """The edit or delete policy "``rule`` holds for the record's team"."""

    def policy(actor: ServerActor, record: RecordInfo) -> bool:
        return rule(actor.access, record.team_id)

    return policy


def unless(rule: TeamRule) -> Callable[[ServerActor, str], bool]:
    """"``rule`` does not hold for the team" (a sync window's ``own_only``: ``unless(Access.keeps_team_entries)``)."""

    def holds_not(actor: ServerActor, team_id: str) -> bool:
        return not rule(actor.access, team_id)

    return holds_not


def author_or_manager(actor: ServerActor, record: RecordInfo) -> bool:
    """Edit or delete an everyday record: :meth:`Access.can_change_record` (its author or the team's leads)."""
    return actor.access.can_change_record(record.team_id, record.user_id)


def _remove_contribution(actor: ServerActor, record: RecordInfo) -> bool:
    return actor.access.can_remove_contribution(record.team_id, record.user_id)


def contribution(name: str, validate: Validator, *, immutable_fields: frozenset[str] = frozenset()) -> Collection:
    """A collection of the team's shared work (huddles and their notes, ideas, PDSA cycles, actions):
    members and coaches of the team, and admins, create and edit (:meth:`Access.can_take_part`); the
    author, the team's leads and admins delete (:meth:`Access.can_remove_contribution`)."""
    return Collection(name, validate=validate, immutable_fields=immutable_fields,
                      can_create=team_rule(Access.can_take_part), can_update=record_rule(Access.can_take_part),
                      can_delete=_remove_contribution)


def report_mark_by_sharers(check: Check) -> Check:
    """``check``, then: ``share_in_report`` (a highlight of the board report) changes only by
    :meth:`Access.can_share_in_report` (the team's leads and coaches). Checked against the stored
    value, so anyone may still edit a marked note and send the mark back unchanged."""

    def checked(cleaned: dict, *, record_id: str, existing: RecordInfo | None, team_id: str, actor: Actor) -> dict:
        cleaned = check(cleaned, record_id=record_id, existing=existing, team_id=team_id, actor=actor)
        before = bool(existing.fields.get("share_in_report")) if existing is not None else False
        if cleaned.get("share_in_report", before) != before and not (
                isinstance(actor, ServerActor) and actor.access.can_share_in_report(team_id)):
            raise invalid_fields({"share_in_report": [
                "Only the team's leads and coaches choose what is shared in the board report."]})
        return cleaned

    return checked
