"""Drawing a laid-out scene on a canvas: the body, the props and the straps.

Each limb is one silhouette, drawn back to front (painter's order by depth from the camera):
limbs behind the trunk lighter, moving limbs in the accent colour, the start position
(ghost) faint. Props are drawn from their solids: boxes as their outline seen from the
camera (with the top face when seen from above), balls with a seam, rods as thick lines.
"""

from __future__ import annotations

import math

from exercises.pictures.camera import View
from exercises.pictures.canvas import (
    ACCENT,
    ACCENT_FILL,
    FAR_FILL,
    FAR_INK,
    FILL,
    GHOST_FILL,
    GHOST_INK,
    GHOST_OUTLINE_PX,
    INK,
    MOVING_OUTLINE_PX,
    OUTLINE_PX,
    PROP_INK,
    PROP_TOP,
    Canvas,
)
from exercises.pictures.props import PROPS, Scene, Solid
from exercises.pictures.skeleton import (
    FINGER_RADIUS,
    FINGERS,
    PALM_HALF_DEPTH,
    PALM_HALF_WIDTH,
    THUMB_RADIUS,
    TORSO_DEPTH,
    TORSO_WIDTH,
    Part,
)
from exercises.pictures.vectors import Vec, cross, dot, length, sub, unit


def section_radius(part, pts3: list[Vec], v: View) -> float:
    if part.section is None:
        return part.radius
    lat, w, ant, d = part.section
    axis = sub(pts3[-1], pts3[0])
    n = cross(v.to_camera, axis)
    if length(n) < 1e-6:
        return max(w, d)
    n = unit(n)
    return math.sqrt((w * dot(n, lat)) ** 2 + (d * dot(n, ant)) ** 2)


def body_parts(scene: Scene):
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


def hand_parts(body, side: str) -> list[Part]:
    """The hand drawn large (the hand frame): the palm, four fingers of three bones, the thumb."""
    limb = f"arm_{side}"
    palm_section = (body.axes[f"palm_t_{side}"], PALM_HALF_WIDTH - 0.6, body.axes[f"palm_n_{side}"], PALM_HALF_DEPTH)
    parts = [Part(limb, "palm", (f"palm_a_{side}", f"palm_b_{side}"), PALM_HALF_WIDTH - 0.6, palm_section)]
    for name in FINGERS:
        for bone in range(3):
            parts.append(
                Part(limb, f"finger {name}", (f"{name}_{bone}_{side}", f"{name}_{bone + 1}_{side}"), FINGER_RADIUS)
            )
    for bone in range(2):
        parts.append(Part(limb, "finger thumb", (f"thumb_{bone}_{side}", f"thumb_{bone + 1}_{side}"), THUMB_RADIUS))
    return parts


def _hand_points(body, side: str) -> dict:
    """The palm's drawn line: a little in from the wrist and the knuckles (its ends are round)."""
    wrist, knuckles = body.points[f"wrist_{side}"], body.points[f"knuckles_{side}"]
    d = sub(knuckles, wrist)
    return {
        f"palm_a_{side}": (wrist[0] + d[0] * 0.3, wrist[1] + d[1] * 0.3, wrist[2] + d[2] * 0.3),
        f"palm_b_{side}": (wrist[0] + d[0] * 0.72, wrist[1] + d[1] * 0.72, wrist[2] + d[2] * 0.72),
    }


def _draw_hand(canvas: Canvas, body, side: str, v: View, fill: str, ink: str, outline: float, cls: str) -> None:
    """Each bone its own outline, back to front, so the fingers of a fist stay apart."""
    points = {**body.points, **_hand_points(body, side)}
    parts = sorted(hand_parts(body, side), key=lambda part: sum(v.depth(points[n]) for n in part.points))
    for part in parts:
        pts3 = [points[n] for n in part.points]
        pts2 = [v.project(p) for p in pts3]
        r = section_radius(part, pts3, v)
        attrs = {"class": f"{cls} hand-detail hand-detail-{side} {part.name}"}
        canvas.add("line", pts2, 2 * r, 2 * outline, stroke=ink, **attrs)
        canvas.add("line", pts2, 2 * r, 0.0, stroke=fill, **attrs)


def draw_body(canvas: Canvas, scene: Scene, v: View, moving, ghost: bool = False, hands: bool = False) -> None:
    """Draw the body; with ``hands`` (the hand frame) each hand with its fingers instead of a ball."""
    body = scene.body
    parts = body_parts(scene)
    if hands:
        parts = [part for part in parts if part.name != "hand"]
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
            r = section_radius(part, pts3, v)
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
        if hands and limb.startswith("arm_"):
            _draw_hand(canvas, body, limb[4:], v, fill, ink, outline, cls)
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


def draw_solid(canvas: Canvas, solid: Solid, v: View, ghost: bool = False) -> None:
    """Draw one solid; a ghost one (where a prop was at the start) faint, like the ghost body."""
    prop = PROPS[solid.kind]
    fill = GHOST_FILL if ghost else prop.fill_for(solid.name)
    ink = GHOST_INK if ghost else PROP_INK
    cls = {"class": f"{'ghost ' if ghost else ''}prop {solid.kind} {solid.name}"}
    counts = solid.layer not in ("background", "front")
    if solid.shape == "ball":
        c = v.project(solid.a)
        canvas.add("circle", [c], solid.r, 0.6, fill=fill, stroke=ink, counts=counts, **cls)
        # A seam so it reads as a ball rather than a hole.
        r = solid.r
        canvas.add(
            "path",
            [(c[0] - r * 0.8, c[1] + r * 0.3), (c[0], c[1] + r * 0.75), (c[0] + r * 0.8, c[1] + r * 0.3)],
            0,
            1.2,
            stroke=ink,
            counts=False,
            **cls,
        )
        return
    if solid.shape == "rod":
        a, b = v.project(solid.a), v.project(solid.b)
        canvas.add("line", [a, b], 2 * solid.r, 1.2, stroke=ink, counts=counts, **cls)
        canvas.add("line", [a, b], 2 * solid.r, 0, stroke=fill, counts=counts, **cls)
        return
    corners = solid.corners()
    if prop.fill_from_above is not None and v.to_camera[1] > 0.2 and not ghost:
        fill = prop.fill_from_above
    canvas.add("polygon", _hull([v.project(p) for p in corners]), 0, 1.2, fill=fill, stroke=ink, counts=counts, **cls)
    # The top face when the camera sees it, so a box reads as a box from above.
    (x0, _, z0), (x1, y1, z1) = solid.a, solid.b
    if v.to_camera[1] > 0.2 and v.to_camera[1] < 0.99 and prop.top_face:
        top = [(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)]
        canvas.add(
            "polygon",
            [v.project(p) for p in top],
            0,
            1.0,
            fill=PROP_TOP,
            stroke=ink,
            counts=counts,
            **cls,
        )


def draw_straps(canvas: Canvas, scene: Scene, v: View) -> None:
    for strap in scene.straps:
        a, b = v.project(strap.a), v.project(strap.b)
        colour, width = PROPS[strap.kind].strap
        canvas.add("line", [a, b], width, 0, stroke=colour, **{"class": strap.kind})
        canvas.add("circle", [b], width * 0.9, 0, fill=colour, **{"class": strap.kind})
