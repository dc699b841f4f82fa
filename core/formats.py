"""Dates as people read them, through Django's date formatting (translated names, no strftime).

``strftime("%-d %b %Y")`` is glibc-only and never translated; ``date_format`` is what the
``date`` filter uses, so Python and templates print a day the same way.
"""

from datetime import date

from django.utils.formats import date_format

# A day as handouts and pages print it ("31 Jan 2020"), as templates write {{ day|date:"j M Y" }}.
DAY_FORMAT = "j M Y"


def day_text(day: date) -> str:
    return date_format(day, DAY_FORMAT)
