"""The patient page's first screen and its guided session.

The first screen says whose program it is, what day it is, what is planned today (each
exercise with its dose and a picture), how to stay safe in one line, and offers "Start today's
session". The session (``static/js/session.js``) takes the patient through today's exercises
one at a time with the moving picture, a rep counter and a hold timer paced by the dose, and
saves what was done through the "Today" form's own view (``progress.log_views.today_log``): the
same day log, one per day, whatever was sent before. Without JavaScript the screen is a list of
today's exercises above the "Today" form.

The screen holds nothing of the request (no token, no CSRF value: the session posts through the
"Today" form's action and token), so its HTML is cached (``{% cache %}`` in the template) by
what it shows: the issued version, the program's items, today's date, today's log, the language.
On a hit nothing here is read.
"""

from __future__ import annotations

import base64

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from exercises.animations import exercise_media
from exercises.models import svg_digest
from prescriptions.models import Handout
from progress.models import NOTE_MAX_LENGTH, PAIN_MAX, Difficulty
from progress.today import cached_today_data

START_TEMPLATE = "progress/_session_start.html"
# The pictures and frames of an issued version: an exercise whose drawing changes shows it within the hour.
DETAILS_CACHE_SECONDS = 60 * 60
# Bump when what ``issued_details`` keeps changes shape: a deploy never reads an older entry.
DETAILS_FORMAT = 1
# Seconds the session gives to move into position and back, around each rep's hold.
MOVE_SECONDS = 2


def _data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _picture(picture: dict, urls: dict[str, str]) -> dict:
    """Where the page loads a picture from: the exercise's drawing by its version (cached by the
    phone), the link's own picture URL for an uploaded photo (relative: nothing of the token)."""
    if picture["kind"] == "image":
        return {"src": f"pictures/{picture['path']}", "alt": picture.get("alt", ""), "photo": True}
    digest = svg_digest(picture["svg"])
    return {"src": urls.get(digest) or _data_url(picture["svg"]), "alt": picture.get("alt", ""), "photo": False}


def issued_details(handout) -> dict[int, dict]:
    """What the session shows of each exercise of an issued version, by its printed number.

    The words come from the version's snapshot (what the patient was handed); the pictures and
    the movement's frames from the exercise, only while its drawings are still the ones issued.
    """
    key = f"session-details:{DETAILS_FORMAT}:{handout.pk}"
    details = cache.get(key)
    if details is None:
        snapshot = Handout.objects.values_list("snapshot", flat=True).get(pk=handout.pk)
        media = exercise_media({item["exercise_id"] for item in snapshot["items"]})
        details = {"patient": snapshot["patient"].get("name", ""), "clinic": snapshot["clinic"], "items": {}}
        for item in snapshot["items"]:
            found = media.get(item["exercise_id"])
            urls = found.picture_urls if found else {}
            pictures = [_picture(p, urls) for p in item["pictures"]]
            svgs = tuple(svg_digest(p["svg"]) for p in item["pictures"][:2] if p["kind"] == "svg")
            frames = found.frame_urls if found and found.movement == svgs else []
            dose = item["dose"]
            details["items"][item["number"]] = {
                "name": item["name"],
                "dose_line": item["dose_line"],
                "steps": item["steps"],
                "cautions": item["cautions"],
                "note": item["patient_note"],
                "pictures": pictures,
                "frames": frames,
                "sets": dose.get("sets") or 1,
                "reps": dose.get("reps") or 0,
                "duration": dose.get("duration_seconds") or 0,
                "hold": dose.get("hold_seconds") or 0,
                "rest": dose.get("rest_seconds") or 0,
                "each_side": dose.get("side") == "each",
            }
        cache.set(key, details, DETAILS_CACHE_SECONDS)
    return details


def session_data(handout, load_link, *, today) -> dict:
    """Today's planned exercises with what the session needs, and the day's log so far.

    From "Today"'s own data (``cached_today_data``, the same cache entry on a view of today) and
    the version's details: no query of its own once the version has been shown.
    """
    data = cached_today_data(handout, load_link, day=today, today=today)
    details = issued_details(handout)
    entry = data["entry"]
    planned = []
    for row in data["rows"] if data["in_program"] else []:
        item = row["item"]
        if not row["sessions"]:
            continue
        planned.append(
            {
                **details["items"][item.number],
                "pk": item.pk,
                "number": item.number,
                "due": len(row["sessions"]),
                "done": entry.sessions.get(item.pk, 0),
            }
        )
    return {
        "patient": details["patient"],
        "phone": details["clinic"].get("phone", ""),
        "planned": planned,
        "session": {
            "day": today.isoformat(),
            "move": MOVE_SECONDS,
            "items": planned,
            "pain": entry.pain,
            "note": entry.note,
            "labels": _labels(),
        },
    }


def _labels() -> dict[str, str]:
    """The words the session's script shows, translated here (the script holds none)."""
    return {
        "exercise_of": _("Exercise %(n)s of %(total)s"),
        "set_of": _("Set %(n)s of %(total)s"),
        "rep_of": _("Rep %(n)s of %(total)s"),
        "side_left": _("First side"),
        "side_right": _("Other side"),
        "move": _("Move into position"),
        "hold": _("Hold"),
        "back": _("Back to the start"),
        "rest": _("Rest"),
        "keep": _("Keep going"),
        "ready": _("Get ready"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "paused": _("Paused"),
        "offline": _("No signal: your log is kept on this phone and sent when you are back online."),
        "sent": _("Your log was sent to your clinic."),
        "saved": _("Saved. Thank you!"),
        "forgotten": _("This phone has forgotten your program. Open the link again to see it."),
        "not_saved": _("Not saved: please try again."),
    }


def start_section(request, handout, load_link) -> str:
    """The first screen of the patient page (registered in ``progress.apps``)."""
    today = timezone.localdate()
    context = {
        "handout": handout,
        "today": today,
        "data": SimpleLazyObject(lambda: session_data(handout, load_link, today=today)),
        "pain_levels": range(PAIN_MAX + 1),
        "difficulties": Difficulty.choices,
        "note_max": NOTE_MAX_LENGTH,
    }
    return render_to_string(START_TEMPLATE, context, request=request)
