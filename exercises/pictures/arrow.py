"""The motion arrow: beside the moving point, on whichever side keeps it clear of the body.

An arrow runs from where a point is in the start position (the ghost) to where it is now, or
points a fixed way (``ARROW_DIRECTIONS``); a curved one turns clockwise or anticlockwise.
Its size is set in pixels, so it is drawn once the picture's scale is known.
"""

from __future__ import annotations

import math

from exercises.pictures.camera import View
from exercises.pictures.canvas import ACCENT, Canvas
from exercises.pictures.drawing import body_parts, section_radius
from exercises.pictures.props import Scene

ARROW_DIRECTIONS = {
    "up": (0.0, 1.0, 0.0),
    "down": (0.0, -1.0, 0.0),
    "forward": (1.0, 0.0, 0.0),
    "back": (-1.0, 0.0, 0.0),
    "up-forward": (0.7071, 0.7071, 0.0),
    "up-back": (-0.7071, 0.7071, 0.0),
    "down-forward": (0.7071, -0.7071, 0.0),
    "down-back": (-0.7071, -0.7071, 0.0),
    "clockwise": None,  # curved, as seen in the unmirrored picture
    "anticlockwise": None,
}


def _segments(scene: Scene, v: View) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
    """The body's parts as projected 2D capsules, to keep the arrow off them."""
    out = []
    for part in body_parts(scene):
        pts3 = [scene.body.points[n] for n in part.points]
        pts2 = [v.project(p) for p in pts3]
        r = section_radius(part, pts3, v)
        out.append((pts2[0], pts2[-1], r))
    return out


def _distance_to_segment(p, a, b) -> float:
    ab = (b[0] - a[0], b[1] - a[1])
    t = ((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / max(ab[0] ** 2 + ab[1] ** 2, 1e-9)
    t = max(0.0, min(1.0, t))
    return math.hypot(p[0] - a[0] - ab[0] * t, p[1] - a[1] - ab[1] * t)


def _clearance(points, segments) -> float:
    return min(_distance_to_segment(p, a, b) - r for p in points for a, b, r in segments)


def _quad(a, c, b, t: float):
    return (
        (1 - t) ** 2 * a[0] + 2 * (1 - t) * t * c[0] + t * t * b[0],
        (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * c[1] + t * t * b[1],
    )


def draw_arrow(canvas: Canvas, pose: dict, scene: Scene, ghost: Scene | None, v: View, px_per_cm: float) -> None:
    """An arrow beside the moving point, on whichever side keeps it clear of the body."""
    arrow = pose["arrow"]
    if arrow is None:
        return
    at = arrow["at"]
    segments = _segments(scene, v)
    here = v.project(scene.body.points[at])
    ox, oy = arrow["offset"]
    head_len, shaft = 11 / px_per_cm, 3.2 / px_per_cm
    direction = arrow["direction"]
    start = None
    if direction is None and ghost is not None:
        start = v.project(ghost.body.points[at])
        if math.hypot(here[0] - start[0], here[1] - start[1]) < 2.0:
            start, direction = None, "up"
    if direction in ("clockwise", "anticlockwise"):
        best = None
        for radius in (14.0, 20.0, 28.0):
            r = 9.0 / px_per_cm + radius
            for mid_angle in range(0, 360, 30):
                mid = math.radians(mid_angle)
                sweep = math.radians(65) * (1 if direction == "clockwise" else -1)
                angles = [mid + sweep - 2 * sweep * i / 12 for i in range(13)]
                arc = [(here[0] + ox + r * math.cos(a), here[1] + oy + r * math.sin(a)) for a in angles]
                score = _clearance(arc, segments)
                if best is None or (score > best[0] + 0.5 and best[0] < 3.0):
                    best = (score, arc)
            if best[0] >= 3.0:
                break
        arc = best[1]
        (px, py), tip = arc[-2], arc[-1]
        d = math.hypot(tip[0] - px, tip[1] - py)
        end = _arrow_head(canvas, tip, ((tip[0] - px) / d, (tip[1] - py) / d), head_len)
        canvas.add("polyline", arc[:-2] + [end], shaft, 0, stroke=ACCENT, **{"class": "arrow"})
        return
    if start is None:
        dx, dy = v.project(ARROW_DIRECTIONS[direction])
        dl = math.hypot(dx, dy) or 1.0
        size = max(30.0, 70 / px_per_cm)
        start = (here[0] - dx / dl * size * 0.5, here[1] - dy / dl * size * 0.5)
        here = (here[0] + dx / dl * size * 0.5, here[1] + dy / dl * size * 0.5)
    dx, dy = here[0] - start[0], here[1] - start[1]
    dist = math.hypot(dx, dy)
    ux, uy = dx / dist, dy / dist
    shortfall = max(0.0, head_len * 2.5 - dist * 0.85)
    a = (start[0] + ux * (dist * 0.1 - shortfall / 2), start[1] + uy * (dist * 0.1 - shortfall / 2))
    b = (here[0] - ux * (dist * 0.05 - shortfall / 2), here[1] - uy * (dist * 0.05 - shortfall / 2))
    best = None
    for gap in (6.0, 11.0, 17.0, 25.0, 35.0):
        for sign in (1.0, -1.0):
            nx, ny = -uy * sign, ux * sign
            g = gap + 6.0 / px_per_cm
            bulge = min(dist * 0.15, 8.0)
            a2 = (a[0] + nx * g + ox, a[1] + ny * g + oy)
            b2 = (b[0] + nx * g + ox, b[1] + ny * g + oy)
            c2 = ((a2[0] + b2[0]) / 2 + nx * bulge, (a2[1] + b2[1]) / 2 + ny * bulge)
            score = _clearance([_quad(a2, c2, b2, i / 10) for i in range(11)], segments)
            if best is None or (best[0] < 2.0 and score > best[0]):
                best = (score, a2, c2, b2)
        if best[0] >= 2.0:
            break
    _, a2, c2, b2 = best
    tx, ty = b2[0] - c2[0], b2[1] - c2[1]
    tl = math.hypot(tx, ty) or 1.0
    end = _arrow_head(canvas, b2, (tx / tl, ty / tl), head_len)
    canvas.add("path", [a2, c2, end], shaft, 0, stroke=ACCENT, **{"class": "arrow"})


def _arrow_head(canvas: Canvas, tip, d, head_len: float):
    half = head_len * 0.55
    bx, by = tip[0] - d[0] * head_len, tip[1] - d[1] * head_len
    nx, ny = -d[1], d[0]
    canvas.add(
        "polygon",
        [tip, (bx + nx * half, by + ny * half), (bx - nx * half, by - ny * half)],
        0,
        0,
        fill=ACCENT,
        **{"class": "arrow"},
    )
    return (bx + d[0] * head_len * 0.2, by + d[1] * head_len * 0.2)
