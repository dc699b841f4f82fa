"""A pose drawn as a picture: its scene and its ghost's, seen from the pose's camera, as SVG.

Props under and behind the body are drawn first, then the ghost (the start position, faint,
with any prop it rests on that the movement rolls away, such as the ball of a hamstring curl),
the figure, the props held or worn over it, walls nearer the camera, straps and the arrow.
The drawing is fitted to its frame; an upper-body frame fits only the head, trunk and arms.

The frame takes the drawing's shape (``ASPECTS``): a lying figure gets a wide frame, a
standing one a tall frame, so that printed at one width (the handout prints every picture
at the same width on paper) each figure fills its frame. Every frame is ``FRAME_WIDTH``
pixels wide, so outlines drawn in pixels print equally thick in every frame; the height
follows the aspect.
"""

from __future__ import annotations

import math
from dataclasses import replace

from exercises.pictures.arrow import draw_arrow
from exercises.pictures.camera import view
from exercises.pictures.canvas import FLOOR_INK, Canvas, scale
from exercises.pictures.drawing import draw_body, draw_solid, draw_straps
from exercises.pictures.props import PROPS, Scene, Solid
from exercises.pictures.scene import build_scene
from exercises.pictures.vectors import Vec, add, length, sub

MOVED_CM = 5.0  # a prop that moves less than this between start and end is drawn once
FRAME_WIDTH = 300  # pixels: the same for every frame, so the handout can print all at one width
# name: width / height. The nearest to the drawing's own shape is its frame.
ASPECTS = {"wide": 3.0, "landscape": 1.5, "square": 1.0, "tall": 2 / 3}


def frame_for(box: tuple[float, float, float, float]) -> tuple[str, int, int]:
    """The frame (aspect name, width, height in pixels) nearest the shape of ``box``."""
    x0, y0, x1, y1 = box
    ratio = max(x1 - x0, 1e-6) / max(y1 - y0, 1e-6)
    name = min(ASPECTS, key=lambda a: abs(math.log(ratio / ASPECTS[a])))
    return name, FRAME_WIDTH, round(FRAME_WIDTH / ASPECTS[name])


def scenes(pose: dict) -> tuple[Scene, Scene | None]:
    """The pose's scene and its ghost's, the ghost moved so that the anchor stays put."""
    scene = build_scene(pose)
    if pose["ghost"] is None:
        return scene, None
    # The ghost is only the body: it keeps the props it rests on (their heights) and the mat
    # under it (the floor's height), no others.
    resting = set(pose["ghost"]["contacts"].values())
    resting |= {p["kind"] for p in pose["props"] if PROPS[p["kind"]].raises_floor}
    props = [p for p in pose["props"] if p["kind"] in resting]
    ghost = build_scene({**pose, **pose["ghost"], "props": props})
    anchor = pose["anchor"]

    def spot(s: Scene) -> Vec:
        group = s.group(anchor)
        return tuple(sum(x.point[i] for x in group) / len(group) for i in range(3))  # type: ignore[return-value]

    a, b = spot(scene), spot(ghost)
    shift = (a[0] - b[0], 0.0, a[2] - b[2])
    moved = ghost.body.transformed(((1.0, 0, 0), (0, 1.0, 0), (0, 0, 1.0)), shift)
    # A prop the start rests on that is somewhere else at the end (a ball rolled in) is drawn
    # faint where it started, so the picture shows it moving; props that stay put are not.
    rolled = []
    for solid in ghost.solids:
        start = replace(solid, a=add(solid.a, shift), b=add(solid.b, shift))
        now = [s for s in scene.solids_of(solid.kind) if s.name == solid.name]
        if now and all(length(sub(_solid_centre(start), _solid_centre(s))) > MOVED_CM for s in now):
            rolled.append(start)
    samples = [replace(x, point=add(x.point, shift)) for x in ghost.samples]
    return scene, Scene(moved, samples, rolled, ghost.floor)


def compose(pose: dict, size: tuple[int, int] | None = None) -> tuple[Canvas, Scene, tuple[str | None, int, int]]:
    """The drawing on a canvas, its scene, and its frame: ``size`` (width, height) when given
    (no aspect name), else the aspect nearest the drawing's shape (``frame_for``)."""
    v = view(pose["camera"])
    scene, ghost = scenes(pose)

    def build(px_per_cm: float) -> Canvas:
        canvas = Canvas()
        if v.to_camera[1] < 0.05:
            y = v.project((0.0, 0.0, 0.0))[1]
            canvas.add("line", [(-1e4, y), (1e4, y)], 0, 1.5, counts=False, stroke=FLOOR_INK, **{"class": "floor"})
        if ghost is not None:
            # Behind everything else: a ball at its start is further from the camera's eye.
            for solid in ghost.solids:
                draw_solid(canvas, solid, v, ghost=True)
        for layer in ("under", "background", "support"):
            solids = [s for s in scene.solids if s.layer == layer]
            solids.sort(key=lambda s: v.depth(_solid_centre(s)))
            for solid in solids:
                draw_solid(canvas, solid, v)
        hands = pose["frame"] in ("hand", "forearm")
        if ghost is not None:
            draw_body(canvas, ghost, v, [], ghost=True, hands=hands)
        draw_body(canvas, scene, v, pose["moving"], hands=hands)
        for solid in sorted((s for s in scene.solids if s.layer == "over"), key=lambda s: v.depth(_solid_centre(s))):
            draw_solid(canvas, solid, v)
        for solid in (s for s in scene.solids if s.layer == "front"):
            draw_solid(canvas, solid, v)
        draw_straps(canvas, scene, v)
        draw_arrow(canvas, pose, scene, ghost, v, px_per_cm)
        return canvas

    def framed(canvas: Canvas) -> Canvas:
        if pose["frame"] == "upper-body":
            # Only the head, trunk, arms and arrow are fitted; legs and seat run off the edge.
            keep = ("head", "trunk", "arm_near", "arm_far", "arrow")
            canvas.shapes = [
                (*shape[:5], shape[5] and any(k in shape[4].get("class", "").split() for k in keep))
                for shape in canvas.shapes
            ]
        if pose["frame"] in ("hand", "forearm"):
            # Only the hands that move (or the near one), what they hold and, in the forearm
            # frame, their forearms are fitted, drawn large.
            sides = [limb[4:] for limb in pose["moving"] if limb.startswith("arm_")] or ["near"]
            canvas.shapes = [
                (*shape[:5], shape[5] and fitted_in_hand_frame(shape[4].get("class", ""), sides, pose["frame"]))
                for shape in canvas.shapes
            ]
        return canvas

    # The arrow's size is set in pixels, so fit once for the scale, then draw it for real.
    first = framed(build(2.0))
    frame = (None, *size) if size else frame_for(first.bbox())
    return framed(build(scale(first.bbox(), frame[1], frame[2]))), scene, frame


def fitted_in_hand_frame(cls: str, sides: list[str], frame: str) -> bool:
    """Whether a shape is fitted in the hand or forearm frame: those hands, what they hold."""
    classes = set(cls.split())
    if classes & ({f"hand-detail-{side}" for side in sides} | {"arrow", "held"}):
        return True
    return frame == "forearm" and "forearm" in classes and bool(classes & {f"arm_{side}" for side in sides})


def _solid_centre(s: Solid) -> Vec:
    return ((s.a[0] + s.b[0]) / 2, (s.a[1] + s.b[1]) / 2, (s.a[2] + s.b[2]) / 2) if s.shape != "ball" else s.a


def draw(pose: dict, *, mirror: bool, width: int | None = None, height: int | None = None) -> str:
    """The validated ``pose`` as a standalone SVG document: ``width`` x ``height`` pixels when
    given, else in the frame that takes the drawing's shape (its aspect named on the root)."""
    canvas, _, (aspect, w, h) = compose(pose, (width, height) if width and height else None)
    return canvas.svg(mirror=mirror, width=w, height=h, aspect=aspect)
