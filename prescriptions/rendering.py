"""The handout renderer: a program frozen as a snapshot, and the snapshot as a PDF or a web page.

``build_snapshot(program)`` takes down every word and number the patient will read, so an
issued handout never changes when the catalogue or the program does. ``render_handout_pdf``
turns a snapshot into PDF bytes with WeasyPrint; ``handout_context`` gives the same template
what it needs for the patient's web page. One template (``prescriptions/handout.html``), two
media: print CSS does the rest.

WeasyPrint only ever sees ``SafeURLFetcher`` (see ``fetcher_class``), which serves the pictures and QR code this
module generated for the render, exercise pictures and clinic logos from the media storage
and the project's own static files, and refuses everything else: no ``file://``, no network,
no ``data:``, no redirects.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import io
import logging
import posixpath
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from exercises.dose import describe_dose

logger = logging.getLogger(__name__)

SNAPSHOT_SCHEMA = 1
TEMPLATE = "prescriptions/handout.html"
STYLESHEET = "css/handout.css"
# Pictures printed per exercise: the start and end positions are what a patient needs.
PICTURES_PER_EXERCISE = 2
# Folders of the media storage the PDF may show (uploaded exercise pictures, clinic logos).
MEDIA_PREFIXES = ("exercise-pictures/", "clinic-logos/")
RESOURCE_SCHEME = "homerx-resource:"
PICTURE_PREFIX = RESOURCE_SCHEME + "picture-"
MEDIA_SCHEME = "homerx-media:"
STATIC_SCHEME = "homerx-static:"
PAPER_SIZES = {"A4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int
    filename: str


# ----------------------------------------------------------------------------- snapshot


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def default_safety_text(phone: str) -> str:
    if phone:
        return _(
            "Stop the exercise and call the clinic on %(phone)s if you feel sharp pain, tingling, "
            "numbness, or pain that gets worse."
        ) % {"phone": phone}
    return _(
        "Stop the exercise and call the clinic if you feel sharp pain, tingling, numbness, or pain that gets worse."
    )


def _picture(picture) -> dict | None:
    if picture.image:
        return {"kind": "image", "path": picture.image.name, "alt": picture.alt_text, "caption": picture.caption}
    if picture.svg:
        return {"kind": "svg", "svg": picture.svg, "alt": picture.alt_text, "caption": picture.caption}
    return None


def build_snapshot(program, *, version: int | None = None, issued_by=None, issued_at: datetime | None = None) -> dict:
    """Every word and number the handout prints, as JSON-able data.

    Reads the program, its items (with their exercises, steps and pictures) and its clearance
    notes in a fixed number of queries. ``version``/``issued_by``/``issued_at`` are left out
    (``None``) for a draft preview.
    """
    from exercises.models import ExercisePicture, ExerciseStep
    from prescriptions.models import Program

    program = (
        Program.objects.select_related("clinic", "patient", "created_by")
        .prefetch_related(
            "clearance_notes",
            Prefetch(
                "items__exercise__steps", queryset=ExerciseStep.objects.order_by("order", "pk"), to_attr="step_list"
            ),
            Prefetch(
                "items__exercise__pictures",
                queryset=ExercisePicture.objects.order_by("order", "pk"),
                to_attr="picture_list",
            ),
        )
        .get(pk=program.pk)
    )
    clinic, patient = program.clinic, program.patient
    items = sorted(program.items.all(), key=lambda item: (item.order, item.pk))
    issued_at = issued_at or timezone.now()
    clinician = issued_by or program.created_by
    snapshot_items = []
    for number, item in enumerate(items, start=1):
        exercise = item.exercise
        pictures = [p for p in (_picture(picture) for picture in exercise.picture_list) if p]
        snapshot_items.append(
            {
                "number": number,
                "exercise_id": exercise.pk,
                "name": exercise.name,
                "steps": [step.text for step in exercise.step_list],
                "cautions": exercise.caution_list,
                "dose": item.dose_values(),
                "dose_line": describe_dose(item),
                "patient_note": item.patient_note,
                "progression_note": item.progression_note,
                "pictures": pictures[:PICTURES_PER_EXERCISE],
            }
        )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "version": version,
        "issued_at": issued_at.isoformat(),
        "issued_on": timezone.localdate(issued_at).isoformat(),
        "clinician": _person_name(clinician),
        "clinic": {
            "name": clinic.name,
            "phone": clinic.phone,
            "logo": clinic.logo.name if clinic.logo else "",
            "paper_size": clinic.paper_size,
            "footer": clinic.handout_footer,
            "safety_text": clinic.safety_text.strip() or default_safety_text(clinic.phone),
        },
        "patient": {
            "name": patient.full_name if patient else "",
            "large_print": bool(patient and patient.large_print),
        },
        "program": {
            "id": program.pk,
            "title": program.title,
            "goal": program.goal,
            "start_date": _iso(program.start_date),
            "end_date": _iso(program.end_date),
            "duration_weeks": program.duration_weeks,
            "review_date": _iso(program.review_date),
            "general_instructions": program.general_instructions,
        },
        "clearance_notes": [
            {
                "cleared_by_name": note.cleared_by_name,
                "cleared_by_role": note.cleared_by_role,
                "cleared_on": _iso(note.cleared_on),
                "scope": note.scope,
                "restrictions": note.restrictions,
                "valid_until": _iso(note.valid_until),
            }
            for note in program.clearance_notes.all()
        ],
        "items": snapshot_items,
    }


# ----------------------------------------------------------------------------- template context


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _tracker_weeks(snapshot: dict) -> list[dict]:
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


# The tracker grid, in millimetres; static/css/handout.css places the text on it (.tracker-*).
TRACKER_WIDTH, TRACKER_NAME_WIDTH, TRACKER_DAY_WIDTH = 180, 75, 15
TRACKER_HEAD_HEIGHT, TRACKER_ROW_HEIGHT = 11, 8
# A grid never breaks across pages: longer weeks are printed in parts of at most this many
# rows, each with the day headings (24 rows fit a Letter page in large print).
TRACKER_MAX_ROWS = 24
TRACKER_NAME_CHARS = 44
TRACKER_PREFIX = RESOURCE_SCHEME + "tracker-"


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


def _tracker_parts(items: list[dict], resources: dict) -> list[dict]:
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
        key = f"{TRACKER_PREFIX}{hashlib.sha256(grid).hexdigest()[:32]}.svg"
        resources[key] = (grid, "image/svg+xml")
        parts.append({"grid": key, "names": "\n".join(chunk), "continued": index > 0, "last": last})
    return parts


def _svg_data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def handout_context(snapshot: dict, *, pdf: bool, draft: bool = False, link_url: str = "", download_url: str = ""):
    """The template context and (for the PDF) the generated resources the fetcher may serve.

    Picture sources differ by medium only: the PDF names resources that ``SafeURLFetcher``
    serves from memory, the web page uses data URLs (pose drawings) and media URLs (uploads).
    """
    resources: dict[str, tuple[bytes, str]] = {}
    items = []
    for item in snapshot["items"]:
        pictures = []
        for picture in item["pictures"]:
            if picture["kind"] == "svg":
                if pdf:
                    # Named by content: the same drawing has the same URL in every handout, which
                    # lets ``render_handout_pdf`` reuse its drawing operators across renders.
                    body = picture["svg"].encode()
                    key = f"{PICTURE_PREFIX}{hashlib.sha256(body).hexdigest()[:32]}.svg"
                    resources[key] = (body, "image/svg+xml")
                    src = key
                else:
                    src = _svg_data_url(picture["svg"])
            else:
                src = f"{MEDIA_SCHEME}{picture['path']}" if pdf else default_storage.url(picture["path"])
            pictures.append({"src": src, "alt": picture["alt"], "caption": picture["caption"]})
        items.append({**item, "pictures": pictures})
    logo = snapshot["clinic"]["logo"]
    logo_src = ""
    if logo:
        logo_src = f"{MEDIA_SCHEME}{logo}" if pdf else default_storage.url(logo)
    qr_src = ""
    if pdf and link_url:
        resources[f"{RESOURCE_SCHEME}qr.png"] = (qr_png(link_url), "image/png")
        qr_src = f"{RESOURCE_SCHEME}qr.png"
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


def qr_png(url: str) -> bytes:
    """The QR code of ``url``, one pixel per module: the print CSS scales it up without smoothing.

    (As an SVG path of ~500 squares it cost WeasyPrint ~6 ms to draw; a 300-byte PNG costs nothing.)
    """
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=1, border=2)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- fetcher


class RefusedURL(ValueError):
    pass


def _weasyprint():
    # Importing WeasyPrint costs ~0.4 s: only processes that render pay for it.
    import weasyprint

    return weasyprint


@cache
def _fetcher_base():
    from weasyprint.urls import URLFetcher

    class SafeURLFetcher(URLFetcher):
        """Serves only what a handout may show; every other URL is refused and logged.

        - ``homerx-resource:NAME``: pictures and the QR code generated for this render;
        - ``homerx-media:PATH``: exercise pictures and clinic logos from the media storage;
        - ``homerx-static:PATH``: the project's own static files.
        """

        def __init__(self, resources=None, **kwargs):
            super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1, **kwargs)
            self.resources = dict(resources or {})
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            from weasyprint.urls import URLFetcherResponse

            try:
                body, content_type = self._resolve(url)
            except RefusedURL:
                self.refused.append(url)
                # Only the scheme: a refused URL may carry text a user typed.
                logger.warning("Handout renderer refused a %s URL", url.split(":", 1)[0][:20])
                raise
            self.fetched.append(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

        def _resolve(self, url: str) -> tuple[bytes, str]:
            if url in self.resources:
                return self.resources[url]
            if url.startswith(MEDIA_SCHEME):
                path = _safe_path(url.removeprefix(MEDIA_SCHEME))
                if not path.startswith(MEDIA_PREFIXES):
                    raise RefusedURL("not an exercise picture or logo")
                try:
                    with default_storage.open(path, "rb") as handle:
                        body = handle.read()
                except (OSError, ValueError) as exc:
                    raise RefusedURL("missing media file") from exc
                return body, _content_type(path)
            if url.startswith(STATIC_SCHEME):
                path = _safe_path(url.removeprefix(STATIC_SCHEME))
                found = finders.find(path)
                if not found:
                    root = Path(settings.STATIC_ROOT)
                    candidate = (root / path).resolve()
                    if root.resolve() not in candidate.parents or not candidate.is_file():
                        raise RefusedURL("not a static file")
                    found = str(candidate)
                return Path(found).read_bytes(), _content_type(path)
            raise RefusedURL("not an allowed URL")

    return SafeURLFetcher


def fetcher_class():
    """The ``SafeURLFetcher`` class; built on first use so importing this module stays cheap."""
    return _fetcher_base()


def make_url_fetcher(resources=None):
    """A new fetcher for one render, serving ``resources`` plus pictures, logos and static files."""
    return _fetcher_base()(resources=resources)


def _safe_path(raw: str) -> str:
    path = unquote(raw).replace("\\", "/")
    if not path or path.startswith("/") or "\x00" in path:
        raise RefusedURL("bad path")
    if any(part in ("..", ".") for part in path.split("/")) or posixpath.normpath(path) != path:
        raise RefusedURL("path escapes its folder")
    return path


def _content_type(path: str) -> str:
    suffix = path.rsplit(".", 1)[-1].lower()
    return {
        "svg": "image/svg+xml",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "webp": "image/webp",
        "gif": "image/gif",
        "css": "text/css",
    }.get(suffix, "application/octet-stream")


# ----------------------------------------------------------------------------- PDF

_lock = threading.RLock()
_font_config = None
_stylesheets: dict = {}


def font_config():
    """One FontConfiguration for the process: a new one per render leaks memory and time."""
    global _font_config
    if _font_config is None:
        with _lock:
            if _font_config is None:
                from weasyprint.text.fonts import FontConfiguration

                _font_config = FontConfiguration()
    return _font_config


def _stylesheet_list(paper_size: str, draft: bool) -> list:
    """The print stylesheet, parsed once per process (and again when the file changes)."""
    weasyprint = _weasyprint()
    path = finders.find(STYLESHEET) or str(Path(settings.STATIC_ROOT) / STYLESHEET)
    mtime = Path(path).stat().st_mtime
    key = (path, mtime)
    with _lock:
        if _stylesheets.get("key") != key:
            fetcher = make_url_fetcher()
            css = Path(path).read_text(encoding="utf-8")
            _stylesheets.clear()
            _stylesheets["key"] = key
            _stylesheets["main"] = weasyprint.CSS(
                string=css, base_url=STATIC_SCHEME + "css/", url_fetcher=fetcher, font_config=font_config()
            )
            for name, size in PAPER_SIZES.items():
                _stylesheets[name] = weasyprint.CSS(
                    string=f"@page {{ size: {size}; }}", url_fetcher=fetcher, font_config=font_config()
                )
            _stylesheets["draft"] = weasyprint.CSS(
                string='@page { @top-center { content: "DRAFT – not issued"; } }',
                url_fetcher=fetcher,
                font_config=font_config(),
            )
        sheets = [_stylesheets["main"], _stylesheets[paper_size if paper_size in PAPER_SIZES else "A4"]]
        if draft:
            sheets.append(_stylesheets["draft"])
        return sheets


def handout_filename(snapshot: dict, *, draft: bool = False) -> str:
    if draft or not snapshot.get("version"):
        return f"home-exercises-draft-{snapshot['issued_on']}.pdf"
    return f"home-exercises-v{snapshot['version']}-{snapshot['issued_on']}.pdf"


# Pose drawings are the same in every handout that shows the exercise. Drawing an SVG costs
# WeasyPrint ~5 ms (pure Python, per element, per render); each drawing is drawn once per
# process instead, its PDF operators kept, and later renders replay them as a form XObject.
PICTURE_CACHE_SIZE = 512
_pictures: OrderedDict[str, object] = OrderedDict()


@cache
def _replayed_svg_class():
    import pydyf
    from weasyprint.images import SVGImage

    class ReplayedSVG:
        """A WeasyPrint image for one pose drawing: drawn once, then replayed from its operators."""

        def __init__(self, image: SVGImage):
            self._image = image
            self._lock = threading.Lock()
            self._recorded: dict[tuple, tuple[bytes, dict]] = {}

        def get_intrinsic_size(self, resolution, font_size):
            return self._image.get_intrinsic_size(resolution, font_size)

        def draw(self, stream, width, height, style):
            key = (round(width, 3), round(height, 3))
            group = stream.add_group(0, 0, width, height)
            recorded = self._recorded.get(key)
            if recorded is None:
                with self._lock:
                    self._image.draw(group, width, height, style)
                recorded = self._record(group)
                if recorded is not None:
                    self._recorded[key] = recorded
            else:
                operators, states = recorded
                group.stream = [operators]
                for name, state in states.items():
                    group._resources["ExtGState"][name] = pydyf.Dictionary(state)
            stream.draw_x_object(group.id)

        @staticmethod
        def _record(group):
            """The group's operators and resources, or None when it uses more than opacity states."""
            resources = group._resources
            if any(resources[name] for name in ("XObject", "Pattern", "Shading")) or resources.get("Font"):
                return None
            states = {}
            for name, state in resources["ExtGState"].items():
                if not isinstance(state, dict) or not set(state) <= {"ca", "CA"}:
                    return None
                states[name] = dict(state)
            return b"\n".join(pydyf._to_bytes(item) for item in group.stream), states

    return ReplayedSVG


def _picture_images(resources: dict) -> dict:
    """WeasyPrint's image cache for one render, holding the replayable pose drawings it shows."""
    from xml.etree import ElementTree

    from weasyprint.images import SVGImage

    images = {}
    for url, (body, content_type) in resources.items():
        if not url.startswith((PICTURE_PREFIX, TRACKER_PREFIX)) or content_type != "image/svg+xml":
            continue
        with _lock:
            image = _pictures.get(url)
            if image is not None:
                _pictures.move_to_end(url)
        if image is None:
            try:
                # Anything the drawing refers to goes through the safe fetcher, as for the page.
                image = _replayed_svg_class()(SVGImage(ElementTree.fromstring(body), url, make_url_fetcher(), None))
            except Exception:  # noqa: BLE001 - WeasyPrint fetches it and reports it as any broken picture
                continue
            with _lock:
                _pictures[url] = image
                while len(_pictures) > PICTURE_CACHE_SIZE:
                    _pictures.popitem(last=False)
        images[url] = image
    return images


_gc_lock = threading.Lock()
_gc_state = {"renders": 0, "was_enabled": False}


@contextmanager
def _gc_paused():
    """No cyclic garbage collection while WeasyPrint works.

    A render allocates millions of short-lived objects; the collector ran dozens of times per
    render, scanning the whole heap, for ~25 % of the render time. Its garbage is collected
    once, after the render. Renders running at the same time share one pause.
    """
    with _gc_lock:
        if _gc_state["renders"] == 0:
            _gc_state["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_state["renders"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["renders"] -= 1
            if _gc_state["renders"] == 0 and _gc_state["was_enabled"]:
                gc.enable()


def render_handout_pdf(
    snapshot: dict, *, draft: bool = False, link_url: str = "", base_url: str | None = None, fetcher=None
) -> RenderedPdf:
    """The handout as PDF bytes. ``link_url`` (the patient's private link) becomes the QR code.

    ``base_url`` only anchors relative URLs for WeasyPrint; nothing is ever fetched from it.
    """
    weasyprint = _weasyprint()
    context, resources = handout_context(snapshot, pdf=True, draft=draft, link_url=link_url)
    html = render_to_string(TEMPLATE, context)
    if fetcher is None:
        fetcher = make_url_fetcher(resources)
    else:
        fetcher.resources.update(resources)
    with _gc_paused():
        document = weasyprint.HTML(string=html, base_url=base_url or STATIC_SCHEME, url_fetcher=fetcher).render(
            stylesheets=_stylesheet_list(snapshot["clinic"]["paper_size"], draft),
            font_config=font_config(),
            cache=_picture_images(resources),
        )
        content = document.write_pdf()
        page_count = len(document.pages)
        del document  # garbage before the collector runs again: it need not scan the pages
    return RenderedPdf(content=content, page_count=page_count, filename=handout_filename(snapshot, draft=draft))
