"""Secret tokens never reach a log line.

A patient link (``/p/<token>/``) and a clinic invitation (``/patients/invitations/<token>/``)
carry their credential in the path, and Django's request logger, ``runserver`` and gunicorn's
access log all print paths (and query strings: ``?next=/p/<token>/``). ``RedactTokens`` is
attached to every handler (``LOGGING`` in settings, ``config/gunicorn.py`` for gunicorn) and
rewrites a line before it is written.

The rule does not depend on where a token stands, how the path is spelled or encoded: the line
is percent-decoded until nothing changes (``%252F`` is ``/`` too), and every run of 32 or more
URL-safe characters in it (a token is 43) is replaced. A long catalogue slug may be redacted
with it; that costs a log reader little and a missed token costs a patient their privacy.
"""

import logging
import re
from urllib.parse import unquote

# A token is 43 characters of [A-Za-z0-9_-] (core.tokens); any such run of 32 or more is treated as one.
TOKEN_SHAPED = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])")
REDACTED = "<redacted>"


def _decoded(text: str) -> str:
    """``text`` percent-decoded until it no longer changes (each round shortens it, so this ends)."""
    while True:
        decoded = unquote(text)
        if decoded == text:
            return text
        text = decoded


def redact(text: str) -> str:
    """``text`` unchanged if it holds nothing token-shaped, however encoded; else decoded and redacted."""
    decoded = _decoded(text)
    if not TOKEN_SHAPED.search(decoded):
        return text
    return TOKEN_SHAPED.sub(REDACTED, decoded)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        # A traceback (an error report) can quote a path or a token in an exception's message:
        # format it now, redacted; formatters print ``exc_text`` when it is set.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        # Django's request logger also attaches the request (with its path), which a formatter
        # or an email handler could print.
        if getattr(record, "request", None) is not None:
            record.request = None
        return True
