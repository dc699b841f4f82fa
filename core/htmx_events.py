"""Events an HTMX response asks the page to fire (the ``HX-Trigger`` header), merged as JSON.

``announce`` is the one every page that has a live region listens for: its text is read out
once by a screen reader ("Bridge added"), instead of each changed part of the page being a
live region of its own.
"""

import json

from django.http import HttpResponse

ANNOUNCE = "announce"


def add_trigger(response: HttpResponse, name: str, value=None) -> HttpResponse:
    """Ask the page to fire ``name`` (with ``value`` as the event's detail) after this response."""
    header = response.get("HX-Trigger")
    events = json.loads(header) if header and header.startswith("{") else ({header: None} if header else {})
    events[name] = value
    response["HX-Trigger"] = json.dumps(events)
    return response


def announce(response: HttpResponse, text) -> HttpResponse:
    """Have the page's live region say ``text``."""
    return add_trigger(response, ANNOUNCE, str(text)) if text else response
