"""A movement as a short loop of frames: the joint angles interpolated from the start pose to
the end pose, each frame laid out and drawn by the same engine as a still picture.

The first frame is the start picture and the last the end picture, byte for byte. The frames
between are drawn as the end picture is (same base, props, camera and the start position as
its faint ghost), without its arrow (the figure moving says it), and all fitted to one region
(the end picture's, widened by any frame reaching out of it) so the figure moves, not the
frame. Every frame is checked as a still picture is: nothing through the floor or a prop, and
whatever both pictures' steps state holds throughout. Pure Python, no Django.
"""

from __future__ import annotations

from exercises.pictures.constraints import check_scene
from exercises.pictures.picture import compose
from exercises.pictures.poses import render_pose_svg, validate_pose
from exercises.pictures.scene import build_scene

# Drawn frames in one pass from start to end, both included; the page plays them forward and back.
FRAME_COUNT = 8


class AnimationError(ValueError):
    """The two poses are not one movement."""


def can_animate(start: dict, end: dict) -> bool:
    """Two poses make a movement when the body keeps its base and the props stay the same."""
    try:
        a, b = validate_pose(start), validate_pose(end)
    except ValueError:
        return False
    kinds = [[p["kind"] for p in pose["props"]] for pose in (a, b)]
    return a["base"] == b["base"] and kinds[0] == kinds[1] and a["joints"] != b["joints"]


def frame_poses(start: dict, end: dict, count: int = FRAME_COUNT) -> list[dict]:
    """The validated poses of the frames between start and end (both excluded): up to ``count - 2``.

    Each rests on the end pose's supports, or where the body would not meet the constraints so,
    on the start's, or on both (a kneeling stretch whose hands stay down while the knees move).
    Joint angles moved in straight lines are not always a way a body can move (a hip thrust
    passing the bench's edge): a frame that no support makes right is left out, and the loop
    goes straight past it, rather than show a limb through a prop.
    """
    a, b = validate_pose(start), validate_pose(end)
    constraints = shared_constraints(a, b)
    # A prop placed against a body part ("at") goes with the supports it was placed for.
    supports = [
        (b["contacts"], b["props"]),
        (a["contacts"], a["props"]),
        ({**a["contacts"], **b["contacts"]}, b["props"]),
        ({**b["contacts"], **a["contacts"]}, b["props"]),
    ]
    poses = []
    for i in range(1, count - 1):
        t = i / (count - 1)
        joints = {name: a["joints"][name] + (b["joints"][name] - a["joints"][name]) * t for name in b["joints"]}
        candidates = [
            {**b, "joints": joints, "contacts": contacts, "props": props, "arrow": None, "constraints": constraints}
            for contacts, props in supports
        ]
        good = next((pose for pose in candidates if not frame_problems(pose)), None)
        if good is not None:
            poses.append(good)
    return poses


def shared_constraints(a: dict, b: dict) -> list[dict]:
    """What both pictures' steps state: it holds throughout the movement (the rest only at one end)."""
    return [c for c in b["constraints"] if c in a["constraints"]]


def frame_problems(pose: dict) -> list[str]:
    """What a frame's laid-out pose breaks: its constraints, or anything through the floor or a prop."""
    try:
        scene = build_scene(pose)
    except ValueError as exc:  # a prop with no body part to be placed against
        return [f"cannot be laid out: {exc}"]
    return check_scene(scene, pose["constraints"])


def frames(start: dict, end: dict, *, mirror: bool = False, count: int = FRAME_COUNT) -> list[str]:
    """The movement from ``start`` to ``end`` as up to ``count`` standalone SVG documents.

    Raises ``AnimationError`` when the poses are not one movement.
    """
    if count < 2:
        raise AnimationError("an animation needs at least its start and end frames")
    if not can_animate(start, end):
        raise AnimationError("the two pictures are not one movement (base or props differ, or nothing moves)")
    between = frame_poses(start, end, count)
    # The frames between take the end picture's frame (its shape and size), so the page swaps
    # drawings of one size; the first and last are the start and end pictures themselves.
    end_canvas, _, (aspect, width, height) = compose(validate_pose(end))
    canvases = [compose(pose, (width, height))[0] for pose in between]
    boxes = [end_canvas.bbox()] + [c.bbox() for c in canvases]
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    drawn = [c.svg(mirror=mirror, width=width, height=height, aspect=aspect, box=box) for c in canvases]
    first = render_pose_svg(start, mirror=mirror)
    last = render_pose_svg(end, mirror=mirror)
    return [first, *drawn, last]
