"""A scene seen from a named camera: orthographic projection to a clean, deterministic SVG.

Parts are drawn back to front (painter's order by depth from the camera), limbs behind the
trunk lighter, moving limbs in the accent colour, the start position (ghost) faint behind
the end position, and an arrow for the motion. The drawing is fitted to its frame: figure,
props and arrow fill the frame's width or height, less a small margin; the floor line and
walls, which span the frame, do not count.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from exercises.pictures.props.registry import Scene, Solid, build_scene
from exercises.pictures.skeleton import TORSO_DEPTH, TORSO_WIDTH, Part
from exercises.pictures.vectors import Vec, cross, dot, length, sub, unit

# name: (azimuth from the side camera towards the front, elevation), degrees
CAMERAS = {
    "side": (0.0, 0.0),
    "front": (90.0, 0.0),
    "top": (0.0, 90.0),
    "three-quarter": (35.0, 25.0),
    # The side camera raised to look down: a side-lying figure's knees coming forward and lifting.
    "above": (0.0, 40.0),
}

# Directions a motion arrow may point, in the pose's own frame (x forward, y up).
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

INK, FAR_INK, ACCENT = "#2f3b48", "#8d99a6", "#e8590c"
FILL, FAR_FILL, ACCENT_FILL = "#ffffff", "#e9edf1", "#ffe3cc"
GHOST_INK, GHOST_FILL = "#c9d0d8", "#f3f5f7"
PROP_INK, PROP_FILL, PROP_TOP = "#7b858f", "#eef1f4", "#f8f9fa"
MAT_FILL, MAT_TOP, BALL_FILL, WALL_FILL = "#d3e3f3", "#eef4fa", "#dceafb", "#f1f3f5"
FLOOR_INK, BAND_INK, TOWEL_INK, WEIGHT_FILL = "#adb5bd", "#2b8a3e", "#c9a227", "#495057"
OUTLINE_PX, MOVING_OUTLINE_PX, GHOST_OUTLINE_PX = 1.6, 2.4, 1.0
MARGIN = 0.025  # of the frame, each side


@dataclass(frozen=True)
class View:
    to_camera: Vec  # unit vector from the scene towards the camera
    right: Vec
    up: Vec

    def project(self, p: Vec) -> tuple[float, float]:
        return (dot(p, self.right), dot(p, self.up))

    def depth(self, p: Vec) -> float:
        """Larger is nearer the camera."""
        return dot(p, self.to_camera)


def view(name: str) -> View:
    az, el = (math.radians(a) for a in CAMERAS[name])
    c = (math.sin(az) * math.cos(el), math.sin(el), math.cos(az) * math.cos(el))
    right = (math.cos(az), 0.0, -math.sin(az))
    up = cross(c, right)
    return View(c, right, up)


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


# ---------------------------------------------------------------------------------------------
# The body
# ---------------------------------------------------------------------------------------------


def _section_radius(part, pts3: list[Vec], v: View) -> float:
    if part.section is None:
        return part.radius
    lat, w, ant, d = part.section
    axis = sub(pts3[-1], pts3[0])
    n = cross(v.to_camera, axis)
    if length(n) < 1e-6:
        return max(w, d)
    n = unit(n)
    return math.sqrt((w * dot(n, lat)) ** 2 + (d * dot(n, ant)) ** 2)


def _body_parts(scene: Scene):
    """Parts with the trunk's elliptic section attached (the Body keeps it as axes)."""
    body = scene.body
    out = []
    for part in body.parts:
        if part.name == "torso":
            part = Part(
                part.limb,
                part.name,
                part.points,
                part.radius,
                (body.axes["lat1"], TORSO_WIDTH, body.axes["ant1"], TORSO_DEPTH),
            )
        out.append(part)
    return out


LIMB_ORDER = ("arm_far", "leg_far", "trunk", "head", "leg_near", "arm_near")


def _draw_body(canvas: Canvas, scene: Scene, v: View, moving, ghost: bool = False) -> None:
    body = scene.body
    parts = _body_parts(scene)
    limbs: dict[str, list] = {limb: [] for limb in LIMB_ORDER}
    for part in parts:
        limbs[part.limb].append(part)

    def limb_depth(limb: str) -> float:
        names = [n for part in limbs[limb] for n in part.points]
        return sum(v.depth(body.points[n]) for n in names) / len(names)

    trunk_depth = limb_depth("trunk")
    order = sorted(LIMB_ORDER, key=lambda limb: (round(limb_depth(limb), 1), LIMB_ORDER.index(limb)))
    for limb in order:
        role = "far" if limb.endswith("_far") else "near" if limb.endswith("_near") else "body"
        if ghost:
            fill, ink, outline, cls = GHOST_FILL, GHOST_INK, GHOST_OUTLINE_PX, f"ghost {limb}"
        elif limb in moving:
            fill, ink, outline, cls = ACCENT_FILL, ACCENT, MOVING_OUTLINE_PX, f"{limb} {role} moving"
        elif role in ("near", "far") and limb_depth(limb) < trunk_depth - 6:
            fill, ink, outline, cls = FAR_FILL, FAR_INK, OUTLINE_PX, f"{limb} far"
        else:
            fill, ink, outline, cls = FILL, INK, OUTLINE_PX, f"{limb} {role}"
        items = []
        for part in limbs[limb]:
            pts3 = [body.points[n] for n in part.points]
            pts2 = [v.project(p) for p in pts3]
            r = _section_radius(part, pts3, v)
            kind = "circle" if len(pts2) == 1 else "path" if len(pts2) == 3 else "line"
            items.append((kind, pts2, r, part.name))
        # Each limb is one silhouette: all its outlines, then all its fills, so its own joints
        # show no seams while a limb crossing another keeps its outline.
        for pass_ink, grow in ((ink, outline), (fill, 0.0)):
            for kind, pts2, r, name in items:
                attrs = {"class": f"{cls} {name}"}
                if kind == "circle":
                    canvas.add("circle", pts2, r, grow, fill=pass_ink, **attrs)
                else:
                    canvas.add(kind, pts2, 2 * r, 2 * grow, stroke=pass_ink, **attrs)
        if limb == "head" and not ghost:
            # Eyes show which way the face points; an eye turned away from the camera is hidden.
            for eye in ("eye_near", "eye_far"):
                offset = unit(sub(body.points[eye], body.points["head"]))
                if dot(offset, v.to_camera) > 0.15:
                    canvas.add("circle", [v.project(body.points[eye])], 1.5, 0, fill=ink, **{"class": f"{cls} eye"})


# ---------------------------------------------------------------------------------------------
# Props
# ---------------------------------------------------------------------------------------------


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    pts = sorted(set((round(x, 4), round(y, 4)) for x, y in points))
    if len(pts) <= 2:
        return pts

    def turn(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list = []
    for p in pts:
        while len(lower) >= 2 and turn(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list = []
    for p in reversed(pts):
        while len(upper) >= 2 and turn(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


_PROP_FILLS = {
    "mat": MAT_FILL,
    "ball": BALL_FILL,
    "wall": WALL_FILL,
    "doorway": WALL_FILL,
    "dumbbell": WEIGHT_FILL,
    "ankle-weight": WEIGHT_FILL,
    "towel": "#f3e6b3",
    "pillow": "#f6f0e4",
}


def _draw_solid(canvas: Canvas, solid: Solid, v: View) -> None:
    fill = _PROP_FILLS.get(solid.kind, PROP_FILL)
    if solid.name in ("pad", "thigh-pad", "back") and "machine" in solid.kind:
        fill = "#5c6b7a"
    if solid.name == "frame" and solid.kind == "doorway":
        fill = "#ced4da"
    cls = {"class": f"prop {solid.kind} {solid.name}"}
    counts = solid.layer not in ("background", "front")
    if solid.shape == "ball":
        c = v.project(solid.a)
        canvas.add("circle", [c], solid.r, 0.6, fill=fill, stroke=PROP_INK, counts=counts, **cls)
        # A seam so it reads as a ball rather than a hole.
        r = solid.r
        canvas.add(
            "path",
            [(c[0] - r * 0.8, c[1] + r * 0.3), (c[0], c[1] + r * 0.75), (c[0] + r * 0.8, c[1] + r * 0.3)],
            0,
            1.2,
            stroke=PROP_INK,
            counts=False,
            **cls,
        )
        return
    if solid.shape == "rod":
        a, b = v.project(solid.a), v.project(solid.b)
        canvas.add("line", [a, b], 2 * solid.r, 1.2, stroke=PROP_INK, counts=counts, **cls)
        canvas.add("line", [a, b], 2 * solid.r, 0, stroke=fill, counts=counts, **cls)
        return
    corners = solid.corners()
    if solid.kind == "mat" and v.to_camera[1] > 0.2:
        # Seen from above a mat is a flat sheet on the floor: a light outline, not a block.
        fill = MAT_TOP
    canvas.add(
        "polygon", _hull([v.project(p) for p in corners]), 0, 1.2, fill=fill, stroke=PROP_INK, counts=counts, **cls
    )
    # The top face when the camera sees it, so a box reads as a box from above.
    (x0, _, z0), (x1, y1, z1) = solid.a, solid.b
    if v.to_camera[1] > 0.2 and v.to_camera[1] < 0.99 and solid.kind not in ("wall", "doorway", "mat"):
        top = [(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)]
        canvas.add(
            "polygon",
            [v.project(p) for p in top],
            0,
            1.0,
            fill=PROP_TOP if solid.kind != "mat" else MAT_FILL,
            stroke=PROP_INK,
            counts=counts,
            **cls,
        )


def _draw_straps(canvas: Canvas, scene: Scene, v: View) -> None:
    for strap in scene.straps:
        a, b = v.project(strap.a), v.project(strap.b)
        colour, width = (BAND_INK, 2.0) if strap.kind == "band" else (TOWEL_INK, 3.5)
        canvas.add("line", [a, b], width, 0, stroke=colour, **{"class": strap.kind})
        canvas.add("circle", [b], width * 0.9, 0, fill=colour, **{"class": strap.kind})


# ---------------------------------------------------------------------------------------------
# Arrow
# ---------------------------------------------------------------------------------------------


def _segments(scene: Scene, v: View) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
    """The body's parts as projected 2D capsules, to keep the arrow off them."""
    out = []
    for part in _body_parts(scene):
        pts3 = [scene.body.points[n] for n in part.points]
        pts2 = [v.project(p) for p in pts3]
        r = _section_radius(part, pts3, v)
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


def _draw_arrow(canvas: Canvas, pose: dict, scene: Scene, ghost: Scene | None, v: View, px_per_cm: float) -> None:
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


# ---------------------------------------------------------------------------------------------
# Scene to SVG
# ---------------------------------------------------------------------------------------------


def scenes(pose: dict) -> tuple[Scene, Scene | None]:
    """The pose's scene and its ghost's, the ghost moved so that the anchor stays put."""
    scene = build_scene(pose)
    if pose["ghost"] is None:
        return scene, None
    # The ghost is only the body: it keeps the props it rests on (their heights), no others.
    resting = set(pose["ghost"]["contacts"].values()) | {"mat"}
    props = [p for p in pose["props"] if p["kind"] in resting]
    ghost = build_scene({**pose, **pose["ghost"], "props": props})
    anchor = pose["anchor"]

    def spot(s: Scene) -> Vec:
        group = s.group(anchor)
        return tuple(sum(x.point[i] for x in group) / len(group) for i in range(3))  # type: ignore[return-value]

    a, b = spot(scene), spot(ghost)
    shift = (a[0] - b[0], 0.0, a[2] - b[2])
    moved = ghost.body.transformed(((1.0, 0, 0), (0, 1.0, 0), (0, 0, 1.0)), shift)
    return scene, Scene(moved, ghost.samples, [], ghost.floor)


def compose(pose: dict) -> tuple[Canvas, Scene]:
    v = view(pose["camera"])
    scene, ghost = scenes(pose)

    def build(px_per_cm: float) -> Canvas:
        canvas = Canvas()
        if v.to_camera[1] < 0.05:
            y = v.project((0.0, 0.0, 0.0))[1]
            canvas.add("line", [(-1e4, y), (1e4, y)], 0, 1.5, counts=False, stroke=FLOOR_INK, **{"class": "floor"})
        for layer in ("under", "background", "support"):
            solids = [s for s in scene.solids if s.layer == layer]
            solids.sort(key=lambda s: v.depth(_solid_centre(s)))
            for solid in solids:
                _draw_solid(canvas, solid, v)
        if ghost is not None:
            _draw_body(canvas, ghost, v, [], ghost=True)
        _draw_body(canvas, scene, v, pose["moving"])
        for solid in sorted((s for s in scene.solids if s.layer == "over"), key=lambda s: v.depth(_solid_centre(s))):
            _draw_solid(canvas, solid, v)
        for solid in (s for s in scene.solids if s.layer == "front"):
            _draw_solid(canvas, solid, v)
        _draw_straps(canvas, scene, v)
        _draw_arrow(canvas, pose, scene, ghost, v, px_per_cm)
        return canvas

    def framed(canvas: Canvas) -> Canvas:
        if pose["frame"] == "upper-body":
            # Only the head, trunk, arms and arrow are fitted; legs and seat run off the edge.
            keep = ("head", "trunk", "arm_near", "arm_far", "arrow")
            canvas.shapes = [
                (*shape[:5], shape[5] and any(k in shape[4].get("class", "").split() for k in keep))
                for shape in canvas.shapes
            ]
        return canvas

    # The arrow's size is set in pixels, so fit once for the scale, then draw it for real.
    first = framed(build(2.0))
    return framed(build(_scale(first.bbox(), 300, 200))), scene


def _solid_centre(s: Solid) -> Vec:
    return ((s.a[0] + s.b[0]) / 2, (s.a[1] + s.b[1]) / 2, (s.a[2] + s.b[2]) / 2) if s.shape != "ball" else s.a


def _scale(box, width: float, height: float) -> float:
    x0, y0, x1, y1 = box
    return min(width * (1 - 2 * MARGIN) / max(x1 - x0, 1e-6), height * (1 - 2 * MARGIN) / max(y1 - y0, 1e-6))


def _num(v: float) -> str:
    v = round(v, 1)
    return f"{0.0 if v == 0 else v:.1f}"


def draw(pose: dict, *, mirror: bool, width: int, height: int) -> str:
    canvas, _ = compose(pose)
    x0, y0, x1, y1 = canvas.bbox()
    scale = _scale((x0, y0, x1, y1), width, height)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2

    def px(x: float, y: float) -> tuple[float, float]:
        sx = round(width / 2 + (x - cx) * scale, 1)
        return (round(width - sx, 1) if mirror else sx), round(height / 2 - (y - cy) * scale, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">'
    ]
    for kind, coords, size, outline, attrs, _ in canvas.shapes:
        pts = [px(x, y) for x, y in coords]
        extra = "".join(f' {k}="{html.escape(str(val))}"' for k, val in sorted(attrs.items()) if k != "class")
        cls = f' class="{html.escape(attrs["class"])}"' if "class" in attrs else ""
        w = _num(size * scale + outline)
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
            r = size * scale + (outline if "stroke" not in attrs else 0.0)
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
