"""Exceptions the engine raises; the HTTP layer maps them to ``{"error": {...}}`` responses."""
from __future__ import annotations

from typing import Any

__all__ = ["SyncError", "StoreUnavailable", "Rejected"]


class SyncError(Exception):
    """A whole request fails: ``status`` is the HTTP status, ``code`` the snake_case error code.

    ``extra`` holds additional keys for the error body (e.g. ``{"expected_id": 4}`` for
    ``mutation_gap``, ``{"fields": {...}}`` for validation errors). Render as::

        {"error": {"code": code, "message": message, **extra}}
    """

    def __init__(self, status: int, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = dict(extra or {})

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"SyncError({self.status}, {self.code!r}, {self.message!r}, {self.extra!r})"


class StoreUnavailable(SyncError):
    """The store cannot be reached (database down, lock timeout): 503, nothing processed.

    Stores raise it (or the HTTP layer maps its own database errors to it); the client retries.
    """

    def __init__(self, message: str = "The sync store is unavailable; try again shortly.") -> None:
        super().__init__(503, "sync_unavailable", message)


class Rejected(Exception):
    """One mutation can never be accepted. Validators and policies raise it.

    It becomes ``{"id": n, "status": "rejected", "error": {"code", "message", "fields"?}}``
    in the push results and a row in the rejected-mutations log.
    """

    def __init__(self, code: str, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields

    def to_error(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            err["fields"] = self.fields
        return err
