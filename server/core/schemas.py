"""Field helpers every schema shares, so the same kind of input is checked the same way everywhere."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate


# Printable text with at least one visible character. A pattern (not a Python check) so the OpenAPI
# document states the rule; lone surrogates are refused because no database can store them.
# The control characters go into the pattern as themselves, not as backslash escapes, which not every
# regex dialect reading the OpenAPI document understands.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f" + r"\ud800-\udfff"
PRINTABLE_TEXT = validate.Regexp(
    f"^[^{_CONTROL}]*[^\\s{_CONTROL}][^{_CONTROL}]*$",
    error="Must not be blank or contain control characters.",
)


def text(max_length: int, *, required: bool = False, allow_none: bool = False, **kwargs) -> fields.String:
    return fields.String(
        required=required,
        allow_none=allow_none,
        validate=[validate.Length(min=1, max=max_length), PRINTABLE_TEXT],
        **kwargs,
    )


def identifier(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=64), **kwargs)


class Schema(ma.Schema):
    """Unknown fields are refused (marshmallow's default), so typos surface as 422s, not silent no-ops."""
