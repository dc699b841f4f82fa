"""Many URLs of one pattern for the price of one ``reverse``.

A page listing thirty program items reverses the same few patterns thirty times each, and
``reverse`` costs tens of microseconds a call. ``url_format(name)`` reverses the pattern once
(per URLconf, script prefix and language) with marker arguments, and afterwards fills in the
real arguments by joining strings. It answers exactly what ``reverse`` answers: a value it
cannot vouch for (not a plain non-negative int or alphanumeric string, or a position that does
not accept letters) goes through ``reverse`` itself.
"""

import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Digits fit <int:...>, <str:...>, <slug:...> and <path:...> alike, and reverse() leaves them as they
# are; the letter marker finds the positions that take letters too (str, slug, path).
_DIGIT_MARKER = "82049517{:02d}"
_LETTER_MARKER = "zq82049517{:02d}"
_DIGITS = re.compile(r"[0-9]+")
_ALPHANUMERIC = re.compile(r"[0-9A-Za-z]+")


@lru_cache(maxsize=256)
def _shape(viewname: str, count: int, key: tuple) -> tuple[tuple[str, ...], tuple[re.Pattern, ...]] | None:
    """The pattern's text around its arguments, and what each position may hold; None: use reverse."""
    digits = [_DIGIT_MARKER.format(i) for i in range(count)]
    try:
        url = reverse(viewname, args=digits)
    except NoReverseMatch:
        return None
    accepts = []
    for i in range(count):
        try:
            reverse(viewname, args=[*digits[:i], _LETTER_MARKER.format(i), *digits[i + 1 :]])
        except NoReverseMatch:
            accepts.append(_DIGITS)
        else:
            accepts.append(_ALPHANUMERIC)
    pieces = []
    for marker in digits:
        if url.count(marker) != 1:
            return None
        head, url = url.split(marker)
        pieces.append(head)
    pieces.append(url)
    shape = (tuple(pieces), tuple(accepts))
    # A converter that rewrites its value (zero padding, say) would be mis-read by joining: check.
    sample = ["7" if accept is _DIGITS else "b7" for accept in accepts]
    if _join(shape[0], sample) != reverse(viewname, args=sample):
        return None
    return shape


def _join(pieces, values) -> str:
    parts = [pieces[0]]
    for value, piece in zip(values, pieces[1:], strict=True):
        parts += (value, piece)
    return "".join(parts)


def _plain(value) -> str | None:
    if type(value) is int and value >= 0:
        return str(value)
    if type(value) is str:
        return value
    return None


def url_format(viewname: str) -> Callable[..., str]:
    """A function of the pattern's arguments answering ``reverse(viewname, args=[...])``.

    Take it once per page (it is bound to the current script prefix and language) and call it per row.
    """
    key = (get_urlconf(), settings.ROOT_URLCONF, get_script_prefix(), get_language())

    def url(*args) -> str:
        shape = _shape(viewname, len(args), key)
        if shape is not None:
            pieces, accepts = shape
            values = [_plain(arg) for arg in args]
            if all(
                value is not None and accept.fullmatch(value) for value, accept in zip(values, accepts, strict=True)
            ):
                return _join(pieces, values)
        return reverse(viewname, args=args)

    return url
