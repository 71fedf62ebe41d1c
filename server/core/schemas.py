"""Field helpers every schema shares, so the same kind of input is checked the same way everywhere."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError("Must not be blank.")
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ma.ValidationError("Must not contain control characters.")


def text(max_length: int, *, required: bool = False, allow_none: bool = False, **kwargs) -> fields.String:
    return fields.String(
        required=required,
        allow_none=allow_none,
        validate=[validate.Length(min=1, max=max_length), _not_blank],
        **kwargs,
    )


def identifier(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=64), **kwargs)


class Schema(ma.Schema):
    """Unknown fields are refused (marshmallow's default), so typos surface as 422s, not silent no-ops."""
