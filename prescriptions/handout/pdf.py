"""How a snapshot becomes PDF bytes: the only module that imports WeasyPrint.

WeasyPrint only ever sees ``SafeURLFetcher``, which serves what ``fetcher.resolve`` allows and
refuses everything else. One font configuration and the parsed stylesheets are kept per
process; pose drawings are replayed (``weasyprint_replay``). The task worker that renders issued
versions pauses the garbage collector around the call (``issue.render_handout``).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.cache import cache as django_cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from prescriptions.handout.context import PICTURE_PREFIX, TEMPLATE, TRACKER_PREFIX, handout_context
from prescriptions.handout.fetcher import STATIC_SCHEME, RefusedURL, Resources, resolve, static_file
from prescriptions.handout.links import public_link_url
from prescriptions.handout.snapshot import Snapshot, content_digest, snapshot_language
from prescriptions.models import handout_filename

logger = logging.getLogger(__name__)

STYLESHEET = "css/handout.css"
# How long a draft's page count is remembered: it is keyed by the content, so it never goes stale.
PAGE_COUNT_TIMEOUT = 30 * 24 * 3600

PAPER_SIZES = {"A4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int
    filename: str


@cache
def _fetcher_class():
    # WeasyPrint is imported on first render, not at start-up: the import costs ~0.4 s, and
    # most processes (the patient page, the catalogue) never render.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        """Serves only what a handout may show; every other URL is refused and logged."""

        def __init__(self, resources: Resources | None = None, **kwargs):
            super().__init__(allowed_protocols=(), allow_redirects=False, timeout=1, **kwargs)
            self.resources = dict(resources or {})
            self.fetched: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            try:
                body, content_type = resolve(url, self.resources)
            except RefusedURL:
                self.refused.append(url)
                # Only the scheme: a refused URL may carry text a user typed.
                logger.warning("Handout renderer refused a %s URL", url.split(":", 1)[0][:20])
                raise
            self.fetched.append(url)
            return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    return SafeURLFetcher


def make_url_fetcher(resources: Resources | None = None):
    """A new fetcher for one render, serving ``resources`` plus pictures, logos and static files."""
    return _fetcher_class()(resources=resources)


_lock = threading.RLock()
# One render at a time per process. WeasyPrint and its shared font configuration are not
# documented as thread-safe, and a threaded server (runserver, the browser tests' live server)
# rendering two handouts at once (an issue and a draft's page count) once aborted in native code.
# Production's sync gunicorn workers and the task worker render one at a time anyway.
_render_lock = threading.RLock()
_font_config = None
_stylesheets: dict = {}


def font_config():
    """One FontConfiguration for the process: a new one per render leaks memory and time."""
    global _font_config
    if _font_config is None:
        with _lock:
            if _font_config is None:
                from weasyprint.text.fonts import FontConfiguration  # see _fetcher_class

                _font_config = FontConfiguration()
    return _font_config


def _stylesheet_list(paper_size: str, draft: bool, large_print: bool = False) -> list:
    """The print stylesheet, parsed once per process (and again when the file changes)."""
    import weasyprint  # see _fetcher_class

    path = static_file(STYLESHEET)
    key = (path, Path(path).stat().st_mtime)
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
            # Large print: the page boxes (footer, page number, draft mark) at 14 pt like the smallest
            # text inside (handout.css cannot reach them by the body's class).
            _stylesheets["large_print"] = weasyprint.CSS(
                string="@page { @bottom-left { font-size: 14pt; } @bottom-right { font-size: 14pt; } "
                "@top-center { font-size: 14pt; } }",
                url_fetcher=fetcher,
                font_config=font_config(),
            )
        sheets = [_stylesheets["main"], _stylesheets[paper_size if paper_size in PAPER_SIZES else "A4"]]
        if large_print:
            sheets.append(_stylesheets["large_print"])
        # The page boxes' words, in the language being rendered (one parsed sheet per wording).
        words = _page_words_css(draft)  # keyed by the words themselves: a catalogue may change
        if ("words", words) not in _stylesheets:
            _stylesheets["words", words] = weasyprint.CSS(
                string=words, url_fetcher=make_url_fetcher(), font_config=font_config()
            )
        sheets.append(_stylesheets["words", words])
        return sheets


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (translations are text, never CSS)."""
    return '"' + "".join(ch if ch.isalnum() or ch in " –-.,:" else f"\\{ord(ch):x} " for ch in text) + '"'


def _page_words_css(draft: bool) -> str:
    """The page number ("Page 2 of 5") and the DRAFT mark, worded by gettext for the active language.

    The page counters are CSS, so the translated sentence is cut at its placeholders and the
    pieces put around ``counter(page)`` and ``counter(pages)``: a language may put them in any order.
    """
    sentence = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", sentence)
    content = " ".join(
        "counter(page)" if part == "%(page)s" else "counter(pages)" if part == "%(pages)s" else _css_string(part)
        for part in parts
        if part
    )
    css = f"@page {{ @bottom-right {{ content: {content}; text-align: end; }} }}"
    if draft:
        # Outside the f-string: makemessages cannot read a message inside one.
        label = _("DRAFT – not issued")
        css += f" @page {{ @top-center {{ content: {_css_string(label)}; }} }}"
    return css


def render_handout_pdf(
    snapshot: Snapshot, *, draft: bool = False, link_url: str = "", base_url: str | None = None, fetcher=None
) -> RenderedPdf:
    """The handout as PDF bytes. ``link_url`` (the patient's private link) becomes the QR code.

    ``base_url`` only anchors relative URLs for WeasyPrint; nothing is ever fetched from it.
    """

    # Every fixed word, date and number in the handout's language, whoever asked for the render
    # (a clinician working in English, the task worker, the command line).
    with translation.override(snapshot_language(snapshot)):
        return _render_handout_pdf(snapshot, draft=draft, link_url=link_url, base_url=base_url, fetcher=fetcher)


def _render_handout_pdf(snapshot: Snapshot, *, draft, link_url, base_url, fetcher) -> RenderedPdf:
    import weasyprint  # see _fetcher_class

    from prescriptions.handout.weasyprint_replay import picture_cache  # imports WeasyPrint too

    context, resources = handout_context(snapshot, pdf=True, draft=draft, link_url=link_url)
    html = render_to_string(TEMPLATE, context)
    if fetcher is None:
        fetcher = make_url_fetcher(resources)
    else:
        fetcher.resources.update(resources)
    drawings = [
        (url, body)
        for url, (body, content_type) in resources.items()
        if url.startswith((PICTURE_PREFIX, TRACKER_PREFIX)) and content_type == "image/svg+xml"
    ]
    with _render_lock:
        document = weasyprint.HTML(string=html, base_url=base_url or STATIC_SCHEME, url_fetcher=fetcher).render(
            stylesheets=_stylesheet_list(
                snapshot["clinic"]["paper_size"], draft, bool(snapshot["patient"].get("large_print"))
            ),
            font_config=font_config(),
            cache=picture_cache(drawings, make_url_fetcher),
        )
        content = document.write_pdf()
        page_count = len(document.pages)
    filename = handout_filename(version=None if draft else snapshot.get("version"), issued_on=snapshot["issued_on"])
    return RenderedPdf(content=content, page_count=page_count, filename=filename)


def draft_page_count(snapshot: Snapshot, *, render: bool = True) -> int | None:
    """How many pages ``snapshot`` prints once issued, rendered once per content (``None`` when
    not counted yet and ``render`` is false).

    A render costs ~0.3–0.8 s, so the count is cached under the snapshot's content digest (and
    the stylesheet's version): the handout panel asks on every load, and an unchanged draft is
    counted once. The paper size and large print are part of the snapshot, hence of the digest.
    """
    key = f"handout-pages:{content_digest(snapshot)}:{Path(static_file(STYLESHEET)).stat().st_mtime_ns}"
    pages = django_cache.get(key)
    if pages is None and render:
        pages = render_handout_pdf(snapshot, draft=True, link_url=public_link_url("x" * 43)).page_count
        django_cache.set(key, pages, PAGE_COUNT_TIMEOUT)
    return pages
