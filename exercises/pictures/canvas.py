"""The picture plane: a palette, shapes in centimetres, and the SVG they are written as.

Shapes are collected in picture-plane centimetres (y up) and written as SVG pixels at the
end, fitted to the frame: the shapes that count fill the frame's width or height, less a
small margin; the floor line and walls, which span the frame, do not count. Numbers are
rounded to one decimal, so the same picture is the same bytes on every machine.
"""

from __future__ import annotations

import html
import re

INK, FAR_INK, ACCENT = "#2f3b48", "#8d99a6", "#e8590c"
FILL, FAR_FILL, ACCENT_FILL = "#ffffff", "#e9edf1", "#ffe3cc"
GHOST_INK, GHOST_FILL = "#c9d0d8", "#f3f5f7"
PROP_INK, PROP_FILL, PROP_TOP = "#7b858f", "#eef1f4", "#f8f9fa"
FLOOR_INK = "#adb5bd"
OUTLINE_PX, MOVING_OUTLINE_PX, GHOST_OUTLINE_PX = 1.6, 2.4, 1.0
MARGIN = 0.025  # of the frame, each side


class Canvas:
    """Shapes in picture-plane centimetres (y up), written as SVG pixels at the end."""

    def __init__(self) -> None:
        # (kind, coords, size_cm, outline_px, attrs, counts_for_fit)
        self.shapes: list[tuple] = []

    def add(self, kind: str, coords, size: float = 0.0, outline: float = 0.0, counts: bool = True, **attrs) -> None:
        self.shapes.append((kind, [(float(x), float(y)) for x, y in coords], size, outline, attrs, counts))

    def bbox(self) -> tuple[float, float, float, float]:
        xs0, ys0, xs1, ys1 = [], [], [], []
        for kind, coords, size, _, _, counts in self.shapes:
            if not counts:
                continue
            pad = size if kind == "circle" else size / 2 if kind in ("line", "path", "polyline") else 0.0
            for x, y in coords:
                xs0.append(x - pad)
                xs1.append(x + pad)
                ys0.append(y - pad)
                ys1.append(y + pad)
        return min(xs0), min(ys0), max(xs1), max(ys1)

    def svg(self, *, mirror: bool, width: int, height: int, aspect: str | None = None, box=None) -> str:
        """The shapes fitted to ``width`` x ``height`` pixels, as a standalone SVG 1.1 document.

        ``aspect`` names the frame's shape on the root (``data-aspect``, e.g. "wide"), for a
        page that lays pictures out by shape without measuring them. ``box`` (x0, y0, x1, y1 in
        cm) fits another region instead of the shapes' own: the frames of an animation share
        one, so the figure moves and the frame stays still.
        """
        x0, y0, x1, y1 = box or self.bbox()
        px_per_cm = scale((x0, y0, x1, y1), width, height)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

        def px(x: float, y: float) -> tuple[float, float]:
            sx = round(width / 2 + (x - cx) * px_per_cm, 1)
            return (round(width - sx, 1) if mirror else sx), round(height / 2 - (y - cy) * px_per_cm, 1)

        named = f' data-aspect="{html.escape(aspect)}"' if aspect else ""
        out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img"{named}>'
        ]
        for kind, coords, size, outline, attrs, _ in self.shapes:
            pts = [px(x, y) for x, y in coords]
            extra = "".join(f' {k}="{html.escape(str(val))}"' for k, val in sorted(attrs.items()) if k != "class")
            cls = f' class="{html.escape(attrs["class"])}"' if "class" in attrs else ""
            w = _num(size * px_per_cm + outline)
            if kind == "line":
                (ax, ay), (bx, by) = pts
                if attrs.get("class") == "floor":
                    ax, bx = (float(width), 0.0) if mirror else (0.0, float(width))
                out.append(
                    f'<line{cls} x1="{_num(ax)}" y1="{_num(ay)}" x2="{_num(bx)}" y2="{_num(by)}" '
                    f'stroke-width="{w}" stroke-linecap="round"{extra}/>'
                )
            elif kind == "path":
                (ax, ay), (bx, by), (qx, qy) = pts
                out.append(
                    f'<path{cls} d="M{_num(ax)} {_num(ay)} Q{_num(bx)} {_num(by)} {_num(qx)} {_num(qy)}" fill="none" '
                    f'stroke-width="{w}" stroke-linecap="round"{extra}/>'
                )
            elif kind == "circle":
                ((ax, ay),) = pts
                line = f' stroke-width="{_num(outline)}"' if "stroke" in attrs else ""
                r = size * px_per_cm + (outline if "stroke" not in attrs else 0.0)
                out.append(f'<circle{cls} cx="{_num(ax)}" cy="{_num(ay)}" r="{_num(r)}"{line}{extra}/>')
            elif kind == "polyline":
                d = " ".join(f"{'L' if i else 'M'}{_num(x)} {_num(y)}" for i, (x, y) in enumerate(pts))
                out.append(
                    f'<path{cls} d="{d}" fill="none" stroke-width="{w}" stroke-linecap="round" '
                    f'stroke-linejoin="round"{extra}/>'
                )
            elif kind == "polygon":
                points = " ".join(f"{_num(x)},{_num(y)}" for x, y in pts)
                line = f' stroke-width="{_num(outline)}" stroke-linejoin="round"' if "stroke" in attrs else ""
                out.append(f'<polygon{cls} points="{points}"{line}{extra}/>')
        out.append("</svg>")
        return "\n".join(out) + "\n"


def aspect_of(svg: str) -> str | None:
    """The frame's aspect named on a drawing's root (``data-aspect``: wide, landscape, square,
    tall), or None for a drawing made at a given size or before frames took their shape."""
    root = svg[: svg.find(">") + 1]
    match = re.search(r'\sdata-aspect="([a-z]+)"', root)
    return match.group(1) if match else None


def scale(box, width: float, height: float) -> float:
    """Centimetres to pixels that fit ``box`` (x0, y0, x1, y1) into the frame, less the margin."""
    x0, y0, x1, y1 = box
    return min(width * (1 - 2 * MARGIN) / max(x1 - x0, 1e-6), height * (1 - 2 * MARGIN) / max(y1 - y0, 1e-6))


def _num(v: float) -> str:
    v = round(v, 1)
    return f"{0.0 if v == 0 else v:.1f}"
