"""Secret tokens never reach a log line.

A patient link (``/p/<token>/``) and a clinic invitation (``/patients/invitations/<token>/``)
carry their credential in the path, and Django's request logger, ``runserver`` and gunicorn's
access log all print paths. ``RedactTokens`` is attached to every handler (``LOGGING`` in
settings, ``config/gunicorn.py`` for gunicorn) and rewrites such paths before they are written.
"""

import logging
import re

TOKEN_PATHS = re.compile(r"(/p/|/invitations/)[^/\s?\"']+")
REDACTED = r"\1<redacted>"


def redact(text: str) -> str:
    return TOKEN_PATHS.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        # Django's request logger also attaches the request (with its path), which a formatter
        # or an email handler could print.
        if getattr(record, "request", None) is not None:
            record.request = None
        return True
