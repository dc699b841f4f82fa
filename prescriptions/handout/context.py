"""What the handout template needs to show a snapshot, on paper or on a phone (pure: no queries).

One template (``prescriptions/handout.html``), two media. The PDF names its generated pictures
with ``homerx-resource:`` URLs, returned beside the context for the fetcher to serve; the web
page inlines pose drawings as data URLs and links uploads by their media URL.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from datetime import date
from types import SimpleNamespace

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.formats import date_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from exercises.dose import SEPARATOR, WEEKDAYS, describe_frequency
from exercises.pictures import aspect_of
from prescriptions.handout.fetcher import MEDIA_SCHEME, RESOURCE_SCHEME, Resources
from prescriptions.handout.snapshot import ItemData, Snapshot, untranslated
from prescriptions.schedule import Period, Schedule, last_day

TEMPLATE = "prescriptions/handout.html"
PICTURE_PREFIX = RESOURCE_SCHEME + "picture-"
TRACKER_PREFIX = RESOURCE_SCHEME + "tracker-"
QR_URL = RESOURCE_SCHEME + "qr.png"

# The tracker: one grid per week, its lines and tick boxes drawn as one picture (millimetres)
# under preformatted text; static/css/handout.css places the text on it (.tracker-*). Large
# print has its own, larger measures: nothing in it is below 14 pt.
# A "tall" row holds two lines of boxes: a grid with three or four sessions a day in a column
# uses it, so that no box shrinks below "box" (5 mm in large print).
TRACKER_SIZES = {
    False: {"width": 186, "day": 12, "head": 9, "row": 6, "tall_row": 9, "box": 3.6, "max_rows": 34, "name_chars": 54},
    True: {
        "width": 186,
        "day": 13.5,
        "head": 10,
        "row": 6.5,
        "tall_row": 12,
        "box": 5,
        "max_rows": 30,
        "name_chars": 36,
    },
}
BOX_GAP = 0.6  # between boxes side by side (mm); 0.4 between lines
# Room a cell keeps around its boxes (mm): across a column, and down a row.
CELL_PADDING, ROW_PADDING = 1.6, 1.2
# A grid part fits a page; a longer week prints in parts (each with the day headings and a pain row).
WEEKDAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# An undated tracker's weeks run Monday to Sunday: any Monday does.
UNDATED_MONDAY = date(2024, 1, 1)
# A caution printed for at least this many exercises is printed once, above them all.
SHARED_CAUTION_MIN = 3
# "to strengthen the buttocks": the purpose clause of a catalogue summary, the "Why:" line of
# snapshots older than schema 3 (which carry the exercise's own purpose), so that their phone
# page keeps the words their paper printed.
PURPOSE = re.compile(
    r"(?:^|[\s,])(to (?:strengthen|stretch|ease|train|learn|move|loosen|look|flatten|work|bend|build|improve|keep"
    r"|relax|reduce|practise|practice|support|open|mobilise|mobilize|warm|calm|gain|restore|increase)\b.*?)\.?$"
)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def resource_url(prefix: str, body: bytes, suffix: str) -> str:
    """A generated resource's URL, named by its content: the same drawing has the same URL in
    every handout, which lets the renderer reuse its drawing operators across renders."""
    return f"{prefix}{hashlib.sha256(body).hexdigest()[:32]}.{suffix}"


def purpose(summary: str) -> str:
    """What an exercise is for, in a few words, from its catalogue summary ("" when it says none):
    only for snapshots from before exercises had a purpose of their own."""
    match = PURPOSE.search(" ".join((summary or "").split()))
    return match.group(1) if match else ""


def _item_doses(snapshot: Snapshot) -> dict[int, dict]:
    """The doses of a snapshot's exercises, keyed by their printed number."""
    return {item["number"]: item["dose"] for item in snapshot["items"]}


def sessions_note(dose: dict) -> str:
    """What the tracker asks for, for the phone page, said as the dose line says how often."""
    frequency = describe_frequency(SimpleNamespace(**{"weekdays": "", "days_per_week": None, **dose}))
    return _("Tick the tracker each time: %(frequency)s.") % {"frequency": frequency}


def tracker_weeks(snapshot: Snapshot) -> list[dict]:
    """The weeks of the printed tracker, each with its seven columns and, per exercise, the boxes
    of each column: the sessions the one schedule prescribes that day (0: a shaded cell).

    Without a start date the columns are the weekdays Monday to Sunday of a program starting
    on a Monday, so that named and spread days can still be marked.
    """
    program = snapshot["program"]
    start = _date(program["start_date"])
    weeks = program["duration_weeks"]
    period = Period(start or UNDATED_MONDAY, weeks)
    schedule = Schedule(period, _item_doses(snapshot))
    result = []
    for number in range(1, weeks + 1):
        days = period.week_days(number)
        if start:
            columns = [(date_format(d, "D"), str(d.day), WEEKDAY_NAMES[d.weekday()]) for d in days]
            span = f"{date_format(days[0], 'j M')} – {date_format(days[-1], 'j M')}"
        else:
            columns = [(str(label), "", code) for code, label in WEEKDAYS]
            span = ""
        boxes = {key: [schedule.sessions_on(key, day) for day in days] for key in _item_doses(snapshot)}
        result.append({"number": number, "columns": columns, "span": span, "days": days, "boxes": boxes})
    return result


def _boxes_per_line(large_print: bool) -> int:
    size = TRACKER_SIZES[large_print]
    return max(1, int((size["day"] - CELL_PADDING + BOX_GAP) // (size["box"] + BOX_GAP)))


def needs_tall_rows(rows: list[list[int] | None], *, large_print: bool = False) -> bool:
    """Whether a grid's boxes need two lines in a cell (more sessions a day than fit across it)."""
    per_line = _boxes_per_line(large_print)
    return any(count > per_line for counts in rows if counts for count in counts)


def tracker_grid_svg(rows: list[list[int]], *, large_print: bool = False) -> bytes:
    """One week's grid: a header, a row per exercise with its tick boxes (a shaded cell where it
    has none), and a pain row last (``None``) with empty cells to write a number in."""
    size = TRACKER_SIZES[large_print]
    width, day, head, box = size["width"], size["day"], size["head"], size["box"]
    row_height = size["tall_row"] if needs_tall_rows(rows, large_print=large_print) else size["row"]
    name_width = width - 7 * day
    height = head + len(rows) * row_height
    lines = [f"M0 0H{width}V{height}H0Z"]
    lines += [f"M0 {head + index * row_height:g}H{width}" for index in range(len(rows))]
    lines += [f"M{name_width + column * day:g} 0V{height:g}" for column in range(7)]
    shaded, boxes = [], []
    for index, counts in enumerate(rows):
        if counts is None:
            continue
        top = head + index * row_height
        for column, count in enumerate(counts):
            left = name_width + column * day
            if not count:
                shaded.append(f"M{left:g} {top:g}h{day}v{row_height:g}h-{day}Z")
                continue
            # As many boxes across as fit at full size; more sessions a day stack in lines (a
            # tall row holds two; only five or six a day make the boxes smaller).
            per_line = min(count, _boxes_per_line(large_print))
            lines_needed = -(-count // per_line)
            side = min(
                box,
                (row_height - ROW_PADDING) / lines_needed - 0.4 * (lines_needed - 1),
                (day - CELL_PADDING) / per_line - BOX_GAP,
            )
            gap = BOX_GAP
            for n in range(count):
                line, position = divmod(n, per_line)
                in_line = min(per_line, count - line * per_line)
                x = left + (day - in_line * side - (in_line - 1) * gap) / 2 + position * (side + gap)
                y = top + (row_height - lines_needed * side - (lines_needed - 1) * 0.4) / 2 + line * (side + 0.4)
                boxes.append(f"M{x:.2f} {y:.2f}h{side:.2f}v{side:.2f}h-{side:.2f}Z")
    pad = 0.2  # half the stroke: the outer lines are not clipped
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 2 * pad}mm" height="{height + 2 * pad}mm" '
        f'viewBox="{-pad} {-pad} {width + 2 * pad} {height + 2 * pad}">'
    ]
    if shaded:
        parts.append(f'<path d="{" ".join(shaded)}" fill="#d9d9d9"/>')
    parts.append(f'<path d="{" ".join(lines)}" fill="none" stroke="#555" stroke-width="{2 * pad}"/>')
    if boxes:
        parts.append(f'<path d="{" ".join(boxes)}" fill="#fff" stroke="#111" stroke-width="0.3"/>')
    parts.append("</svg>")
    return "".join(parts).encode()


def _tracker_parts(
    items: list[dict], boxes: dict[int, list[int]], resources: Resources, *, large_print: bool
) -> list[dict]:
    """One week's grid parts: its rows (the exercises, then pain) in parts that fit a page, each
    part ending with the pain row (a patient scores pain wherever the part ends)."""
    size = TRACKER_SIZES[large_print]
    # One line per row (the rows are preformatted text): no line breaks or tabs from names.
    # Names are cut to what fits; the print CSS ends any still too wide with "…" (WeasyPrint
    # copies the cut-off text into the PDF: a long one made an invalid entry).
    rows = []
    for item in items:
        limit = size["name_chars"]
        name = " ".join(f"{item['number']}. {item['name']}".split())
        rows.append({"boxes": boxes[item["number"]], "name": name if len(name) <= limit else name[: limit - 1] + "…"})
    per_part = size["max_rows"] - 1  # and the pain row
    count = max(1, -(-len(rows) // per_part))
    part_size = -(-len(rows) // count) if rows else 0
    parts = []
    for index in range(count):
        chunk = rows[index * part_size : (index + 1) * part_size]
        grid_rows = [row["boxes"] for row in chunk] + [None]
        grid = tracker_grid_svg(grid_rows, large_print=large_print)
        # Named by content: the same grid in several weeks is one resource.
        key = resource_url(TRACKER_PREFIX, grid, "svg")
        resources[key] = (grid, "image/svg+xml")
        parts.append(
            {
                "grid": key,
                "names": "\n".join(row["name"] for row in chunk),
                "continued": index > 0,
                "tall": needs_tall_rows(grid_rows, large_print=large_print),
            }
        )
    return parts


def shared_cautions(items: list[ItemData]) -> list[str]:
    """Cautions that most exercises repeat word for word: printed once, above the exercises."""
    counts: dict[str, int] = {}
    for item in items:
        for caution in dict.fromkeys(item["cautions"]):
            counts[caution] = counts.get(caution, 0) + 1
    return [caution for caution, count in counts.items() if count >= SHARED_CAUTION_MIN]


def _unbroken_parts(dose_line: str) -> str:
    """The dose line with each part kept on one line ("3 days a week" never split as "3 days /
    a week"); lines break only between parts. Paper only: a phone's line may be shorter."""
    return SEPARATOR.join(part.replace(" ", "\u00a0") for part in dose_line.split(SEPARATOR))


def _clearance_order(note: dict) -> tuple:
    # Newest first: a surgeon's recent restrictions come before an older clearance.
    return (note["cleared_on"] is not None, note["cleared_on"] or date.min)


def _svg_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def qr_png(url: str) -> bytes:
    """The QR code of ``url``, one pixel per module: the print CSS scales it up without smoothing.

    (As an SVG path of ~500 squares it cost WeasyPrint ~6 ms to draw; a 300-byte PNG costs nothing.)
    """
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=1, border=2)
    return buffer.getvalue()


def _picture_src(picture: dict, *, pdf: bool, resources: Resources, pictures_url: str) -> str:
    if picture["kind"] == "svg":
        if not pdf:
            return _svg_data_url(picture["svg"])
        body = picture["svg"].encode()
        key = resource_url(PICTURE_PREFIX, body, "svg")
        resources[key] = (body, "image/svg+xml")
        return key
    if pdf:
        return f"{MEDIA_SCHEME}{picture['path']}"
    # An uploaded picture may be a clinic's private photo: the page shows it through its own link.
    return f"{pictures_url}{picture['path']}" if pictures_url else default_storage.url(picture["path"])


def _text_mark(language: str) -> dict:
    info = get_language_info(language)
    return {"lang": language, "dir": "rtl" if info["bidi"] else "ltr", "name": info["name_translated"]}


def handout_context(
    snapshot: Snapshot,
    *,
    pdf: bool,
    draft: bool = False,
    link_url: str = "",
    download_url: str = "",
    pictures_url: str = "",
) -> tuple[dict, Resources]:
    """The template context and (for the PDF) the generated resources the fetcher may serve.

    ``pictures_url`` (the web page only) is where uploaded pictures are fetched from, their
    stored name appended: the patient link's own picture view.
    """
    resources: Resources = {}
    shared = shared_cautions(snapshot["items"])
    items = [
        {
            **item,
            # Schema 3 carries the exercise's purpose; schema 2 printed the summary's "to …" clause;
            # schema 1 has neither and prints no purpose line.
            "why": item["purpose"] if "purpose" in item else purpose(item.get("summary", "")),
            "dose_line": _unbroken_parts(item["dose_line"]) if pdf else item["dose_line"],
            "cautions": [caution for caution in item["cautions"] if caution not in shared],
            "sessions_note": sessions_note(item["dose"]),
            "pictures": [
                {
                    "src": _picture_src(p, pdf=pdf, resources=resources, pictures_url=pictures_url),
                    "alt": p["alt"],
                    "caption": p["caption"],
                    # The drawing's frame shape (wide, landscape, square, tall; None for a photo or an
                    # older drawing): a wide one prints shorter, at the same width (handout.css).
                    "aspect": aspect_of(p["svg"]) if p["kind"] == "svg" else None,
                }
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
    large_print = bool(snapshot["patient"].get("large_print"))
    # Older snapshots (schema 1) have no choice about the tracker: they always printed one.
    with_tracker = pdf and program.get("tracker", True) and bool(items)
    weeks = tracker_weeks(snapshot) if with_tracker else []
    for week in weeks:
        week["parts"] = _tracker_parts(items, week["boxes"], resources, large_print=large_print)
    # Texts not in the handout's language print as written, marked with their language's name
    # (in the handout's language: "[Inglés]"), never silently mixed in.
    marked = untranslated(snapshot)
    text_lang = snapshot.get("text_language", settings.LANGUAGE_CODE)
    context = {
        "s": snapshot,
        # dir too: an English sentence inside an Arabic page keeps its own order (and full stop).
        "text_mark": _text_mark(text_lang) if marked else None,
        "pdf": pdf,
        "draft": draft,
        "items": items,
        "issued_on": _date(snapshot["issued_on"]),
        "start_date": _date(program["start_date"]),
        # The inclusive last day, from the one schedule (a stored end_date is the day after).
        "last_day": last_day(_date(program["start_date"]), program["duration_weeks"]),
        "review_date": _date(program["review_date"]),
        "clearance_notes": sorted(
            (
                {
                    **note,
                    "cleared_on": _date(note["cleared_on"]),
                    "valid_until": _date(note["valid_until"]),
                    # Older snapshots (before schema 3) hold no structured restrictions.
                    "avoid": note.get("avoid", []),
                    "avoid_until": _date(note.get("avoid_until")),
                }
                for note in reversed(snapshot["clearance_notes"])  # the later of two on one day first
            ),
            key=_clearance_order,
            reverse=True,
        ),
        "shared_cautions": shared,
        "with_tracker": program.get("tracker", True),
        "tracker_weeks": weeks,
        "logo_src": logo_src,
        "qr_src": qr_src,
        "link_url": link_url,
        "download_url": download_url,
    }
    return context, resources
