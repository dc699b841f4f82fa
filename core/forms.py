"""Parsing what a request sends: numbers and JSON, each in one place.

Numbers go through Django's ``forms.IntegerField``, which knows that "²" or "①" is not a number
a person typed and refuses integers too long to convert, with a message instead of a 500.
``IdField`` is the one field for a primary key read from a request; ``parse_int`` uses a field
where a view reads a single value outside a form.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _

# The largest key any supported database stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1
# An export is a few levels deep (document, exercises, exercise, steps, ...); anything far deeper
# is not from HomeRx and would exhaust the parser's recursion.
MAX_JSON_DEPTH = 32


class IdField(forms.IntegerField):
    """A primary key from a request: a whole number from 1 to what a database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def parse_int(value, *, min_value: int | None = None, max_value: int | None = None) -> int | None:
    """``value`` as a whole number within the bounds, ``None`` when empty; ``ValidationError`` otherwise."""
    return forms.IntegerField(min_value=min_value, max_value=max_value, required=False).clean(value)


def parse_id(value) -> int | None:
    """``value`` as a primary key, or ``None`` when it is empty or not one."""
    try:
        return IdField(required=False).clean(value)
    except ValidationError:
        return None


def _depth(document) -> int:
    """How deeply lists and objects nest in ``document`` (without recursion)."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in value)
    return deepest


def parse_json(data: bytes, *, max_bytes: int, max_depth: int = MAX_JSON_DEPTH):
    """``data`` as JSON, refused (``ValidationError``) when larger or deeper than the limits."""
    if len(data) > max_bytes:
        raise ValidationError(
            _("This file is larger than %(limit)d KB. Split it, or upload the file the export produced."),
            params={"limit": max_bytes // 1024},
            code="json_too_large",
        )
    too_deep = ValidationError(
        _("This file nests lists and objects more than %(limit)d levels deep. Upload the file the export produced."),
        params={"limit": max_depth},
        code="json_too_deep",
    )
    try:
        document = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise too_deep from None
    except ValueError as exc:  # not UTF-8, not JSON, or a number too long to convert
        raise ValidationError(
            _("This file is not valid JSON (%(problem)s). Upload the file the export produced."),
            params={"problem": exc},
            code="json_invalid",
        ) from None
    if _depth(document) > max_depth:
        raise too_deep
    return document


class BoundedJSONField(forms.JSONField):
    """``forms.JSONField`` that refuses, with a message, what its parser cannot take.

    Django's field turns invalid JSON into a message, but JSON nested thousands deep
    (``RecursionError``) or holding a number too long to convert (``ValueError``) escaped as a 500,
    both when cleaning and when showing the form again.
    """

    default_error_messages = {
        "too_deep": _("This nests lists and objects more than %(limit)d levels deep."),
        "unreadable": _("Enter valid JSON: this holds a number too long to read."),
    }

    def to_python(self, value):
        try:
            converted = super().to_python(value)
        except RecursionError:
            raise ValidationError(
                self.error_messages["too_deep"], code="too_deep", params={"limit": MAX_JSON_DEPTH}
            ) from None
        except ValueError:
            raise ValidationError(self.error_messages["unreadable"], code="unreadable") from None
        if _depth(converted) > MAX_JSON_DEPTH:
            raise ValidationError(self.error_messages["too_deep"], code="too_deep", params={"limit": MAX_JSON_DEPTH})
        return converted

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except (RecursionError, ValueError):
            return InvalidJSONInput(data)
