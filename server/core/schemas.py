"""Field helpers every schema shares, so the same kind of input is checked the same way everywhere."""

from __future__ import annotations

import marshmallow as ma
import regex
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


_GRAPHEME = regex.compile(r"\X")
#: A character as people count them may take several code points (an emoji with a skin tone, a
#: letter with its accent); at most this many each, so a column of this many times the length holds
#: any text that passes, and one "character" cannot carry a flood of combining marks.
CODE_POINTS_PER_CHARACTER = 4


def characters(value: str) -> int:
    """How many characters a person sees in ``value``: its grapheme clusters, as the PWA counts them
    (``Intl.Segmenter``) in the counter beside a note."""
    return len(_GRAPHEME.findall(value))


class CharacterLength(validate.Validator):
    """At most ``max_length`` characters as people count them (:func:`characters`)."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __call__(self, value: str) -> str:
        if len(value) > self.max_length * CODE_POINTS_PER_CHARACTER or characters(value) > self.max_length:
            raise ma.ValidationError(f"Must be at most {self.max_length} characters.")
        return value


def written_text(max_length: int, *, required: bool = False, allow_none: bool = False, **kwargs) -> fields.String:
    """Text a person writes into a synced record on a device (spec/collections/*.json ``"type": "text"``):
    printable, at most ``max_length`` characters counted as people count them, never cut."""
    return fields.String(
        required=required,
        allow_none=allow_none,
        validate=[CharacterLength(max_length), PRINTABLE_TEXT],
        metadata={"description": f"At most {max_length} characters (grapheme clusters)."},
        **kwargs,
    )


def identifier(**kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=64), **kwargs)


class Schema(ma.Schema):
    """Unknown fields are refused (marshmallow's default), so typos surface as 422s, not silent no-ops."""
