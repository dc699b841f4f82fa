"""What the handout template needs to show a snapshot, on paper or on a phone (pure: no queries).

One template (``prescriptions/handout.html``), two media. The PDF names its generated pictures
with ``homerx-resource:`` URLs, returned beside the context for the fetcher to serve; the web
page inlines pose drawings as data URLs and links uploads by their media URL.
"""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import date, timedelta

import segno
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from prescriptions.handout.fetcher import MEDIA_SCHEME, RESOURCE_SCHEME, Resources
from prescriptions.handout.snapshot import ItemData, Snapshot

TEMPLATE = "prescriptions/handout.html"
PICTURE_PREFIX = RESOURCE_SCHEME + "picture-"
TRACKER_PREFIX = RESOURCE_SCHEME + "tracker-"
QR_URL = RESOURCE_SCHEME + "qr.png"

# The tracker grid, in millimetres; static/css/handout.css places the text on it (.tracker-*).
TRACKER_WIDTH, TRACKER_NAME_WIDTH, TRACKER_DAY_WIDTH = 180, 75, 15
TRACKER_HEAD_HEIGHT, TRACKER_ROW_HEIGHT = 11, 8
# A grid never breaks across pages: longer weeks are printed in parts of at most this many
# rows, each with the day headings (24 rows fit a Letter page in large print).
TRACKER_MAX_ROWS = 24
TRACKER_NAME_CHARS = 44


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def resource_url(prefix: str, body: bytes, suffix: str) -> str:
    """A generated resource's URL, named by its content: the same drawing has the same URL in
    every handout, which lets the renderer reuse its drawing operators across renders."""
    return f"{prefix}{hashlib.sha256(body).hexdigest()[:32]}.{suffix}"


def _tracker_weeks(snapshot: Snapshot) -> list[dict]:
    """One tick grid per week of the program: the exercises × 7 days, and a pain row."""
    start = _date(snapshot["program"]["start_date"])
    weeks = []
    for week in range(snapshot["program"]["duration_weeks"]):
        if start:
            days = [start + timedelta(days=7 * week + day) for day in range(7)]
            labels = [(f"{d:%a}", f"{d.day} {d:%b}") for d in days]
        else:
            labels = [(_("Day %(n)d") % {"n": day + 1}, "") for day in range(7)]
        weeks.append({"number": week + 1, "days": labels})
    return weeks


def tracker_grid_svg(rows: int) -> bytes:
    """The lines of one week's grid: a header, ``rows`` rows, a name column and seven day columns."""
    width, height = TRACKER_WIDTH, TRACKER_HEAD_HEIGHT + rows * TRACKER_ROW_HEIGHT
    lines = [f"M0 0H{width}V{height}H0Z"]
    lines += [f"M0 {TRACKER_HEAD_HEIGHT + row * TRACKER_ROW_HEIGHT}H{width}" for row in range(rows)]
    lines += [f"M{TRACKER_NAME_WIDTH + day * TRACKER_DAY_WIDTH} 0V{height}" for day in range(7)]
    pad = 0.2  # half the stroke: the outer lines are not clipped
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 2 * pad}mm" height="{height + 2 * pad}mm" '
        f'viewBox="{-pad} {-pad} {width + 2 * pad} {height + 2 * pad}">'
        f'<path d="{" ".join(lines)}" fill="none" stroke="#555" stroke-width="{2 * pad}"/></svg>'
    ).encode()


def _tracker_parts(items: list[ItemData], resources: Resources) -> list[dict]:
    """The grids every week prints: its rows (the exercises, then pain) in parts that fit a page."""
    # One line per row (the rows are preformatted text): no line breaks or tabs from names. The
    # print CSS ends a name too wide for its column with "…"; names are first cut to what could
    # fit, as WeasyPrint copies the cut-off text into the PDF (a long one made an invalid entry).
    names = [" ".join(f"{item['number']}. {item['name']}".split()) for item in items]
    names = [name if len(name) <= TRACKER_NAME_CHARS else name[: TRACKER_NAME_CHARS - 1] + "…" for name in names]
    rows = len(names) + 1
    count = -(-rows // TRACKER_MAX_ROWS)
    size = -(-rows // count)
    parts = []
    for index in range(count):
        chunk = names[index * size : (index + 1) * size]
        last = index == count - 1
        grid = tracker_grid_svg(len(chunk) + last)
        key = resource_url(TRACKER_PREFIX, grid, "svg")
        resources[key] = (grid, "image/svg+xml")
        parts.append({"grid": key, "names": "\n".join(chunk), "continued": index > 0, "last": last})
    return parts


def _svg_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def qr_png(url: str) -> bytes:
    """The QR code of ``url``, one pixel per module: the print CSS scales it up without smoothing.

    (As an SVG path of ~500 squares it cost WeasyPrint ~6 ms to draw; a 300-byte PNG costs nothing.)
    """
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=1, border=2)
    return buffer.getvalue()


def _picture_src(picture: dict, *, pdf: bool, resources: Resources) -> str:
    if picture["kind"] == "svg":
        if not pdf:
            return _svg_data_url(picture["svg"])
        body = picture["svg"].encode()
        key = resource_url(PICTURE_PREFIX, body, "svg")
        resources[key] = (body, "image/svg+xml")
        return key
    return f"{MEDIA_SCHEME}{picture['path']}" if pdf else default_storage.url(picture["path"])


def handout_context(
    snapshot: Snapshot, *, pdf: bool, draft: bool = False, link_url: str = "", download_url: str = ""
) -> tuple[dict, Resources]:
    """The template context and (for the PDF) the generated resources the fetcher may serve."""
    resources: Resources = {}
    items = [
        {
            **item,
            "pictures": [
                {"src": _picture_src(p, pdf=pdf, resources=resources), "alt": p["alt"], "caption": p["caption"]}
                for p in item["pictures"]
            ],
        }
        for item in snapshot["items"]
    ]
    logo = snapshot["clinic"]["logo"]
    logo_src = ""
    if logo:
        logo_src = f"{MEDIA_SCHEME}{logo}" if pdf else default_storage.url(logo)
    qr_src = ""
    if pdf and link_url:
        resources[QR_URL] = (qr_png(link_url), "image/png")
        qr_src = QR_URL
    program = snapshot["program"]
    tracker_weeks = _tracker_weeks(snapshot) if pdf else []
    context = {
        "s": snapshot,
        "pdf": pdf,
        "draft": draft,
        "items": items,
        "issued_on": _date(snapshot["issued_on"]),
        "start_date": _date(program["start_date"]),
        "end_date": _date(program["end_date"]),
        "review_date": _date(program["review_date"]),
        "clearance_notes": [
            {**note, "cleared_on": _date(note["cleared_on"]), "valid_until": _date(note["valid_until"])}
            for note in snapshot["clearance_notes"]
        ],
        "tracker_weeks": tracker_weeks,
        "tracker_parts": _tracker_parts(items, resources) if tracker_weeks else [],
        "logo_src": logo_src,
        "qr_src": qr_src,
        "link_url": link_url,
        "download_url": download_url,
    }
    return context, resources
