"""Speed-ups that rely on WeasyPrint's private internals — all of them, in this one module.

Drawing an SVG costs WeasyPrint ~5 ms per picture per render (pure Python, per element). A
pose drawing is the same in every handout that shows the exercise, so each is drawn once per
process; its PDF operators are kept and later renders replay them as a form XObject. That
needs three things WeasyPrint and pydyf do not promise: a stream group's ``_resources`` and
``stream`` list, ``pydyf._to_bytes``, and an image passed through ``render(cache=...)``.

So it is switched on only for the WeasyPrint versions it was tested with. On any other
version ``picture_cache`` returns an empty cache — WeasyPrint then draws every picture
itself, slower but the same — and says so once in the log. ``tests/prescriptions/
test_handout_pdf.py`` proves the fallback prints the same text.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from xml.etree import ElementTree

import pydyf
import weasyprint
from weasyprint.images import SVGImage

logger = logging.getLogger(__name__)

# The WeasyPrint releases whose internals this module was checked against.
TESTED_VERSIONS = frozenset({"70.0"})
PICTURE_CACHE_SIZE = 512

_lock = threading.Lock()
_pictures: OrderedDict[str, ReplayedSVG] = OrderedDict()
_warned = False


def replay_supported(version: str | None = None) -> bool:
    return (version or weasyprint.__version__) in TESTED_VERSIONS


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


def picture_cache(svgs: Iterable[tuple[str, bytes]], make_fetcher: Callable[[], object]) -> dict:
    """WeasyPrint's image cache for one render: the replayable drawings among ``svgs`` (url, body).

    Empty on an untested WeasyPrint version, so the render falls back to plain drawing.
    """
    global _warned
    if not replay_supported():
        if not _warned:
            _warned = True
            logger.warning(
                "WeasyPrint %s is not among the versions the drawing replay was tested with (%s): "
                "drawing pictures without it.",
                weasyprint.__version__,
                ", ".join(sorted(TESTED_VERSIONS)),
            )
        return {}
    images = {}
    for url, body in svgs:
        with _lock:
            image = _pictures.get(url)
            if image is not None:
                _pictures.move_to_end(url)
        if image is None:
            try:
                # Anything the drawing refers to goes through the safe fetcher, as for the page.
                image = ReplayedSVG(SVGImage(ElementTree.fromstring(body), url, make_fetcher(), None))
            except Exception:  # WeasyPrint fetches it and reports it as any broken picture
                continue
            with _lock:
                _pictures[url] = image
                while len(_pictures) > PICTURE_CACHE_SIZE:
                    _pictures.popitem(last=False)
        images[url] = image
    return images
