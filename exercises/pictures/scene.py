"""A validated pose laid out in the world: the body settled on its supports, then each prop
placed against it by the prop's own placing method (``exercises.pictures.props``).
"""

from __future__ import annotations

from exercises.pictures.contacts import samples, settle
from exercises.pictures.props import PROPS, Scene
from exercises.pictures.skeleton import BASE_FRAME, skeleton


def surface_height(surface: str, floor: float) -> float | None:
    """Height of a surface the body rests on, or None for a vertical one (a wall)."""
    if surface == "floor":
        return floor
    prop = PROPS[surface]
    if prop.carries is None:
        return None
    return floor + prop.carries if prop.on_mat else prop.carries


def build_scene(pose: dict) -> Scene:
    """Lay out a validated pose (see ``exercises.pictures.poses.validate_pose``): body, props, straps."""
    body = skeleton(pose["joints"])
    body = body.transformed(BASE_FRAME[pose["base"]], (0.0, 0.0, 0.0))
    kinds = [prop["kind"] for prop in pose["props"]]
    floor = max((PROPS[kind].raises_floor for kind in kinds), default=0.0)
    targets = []
    for group, surface in pose["contacts"].items():
        height = surface_height(surface, floor)
        if height is not None:
            targets.append((group, height))
    if not targets:
        targets = [("lowest", floor)]
    m, shift = settle(body, targets, floor)
    body = body.transformed(m, shift)
    scene = Scene(body, samples(body), [], floor)
    carried: dict[str, str] = {}
    for group, surface in pose["contacts"].items():
        carried.setdefault(surface, group)
    for item in pose["props"]:
        carrying = carried.get(item["kind"])
        PROPS[item["kind"]].place(scene, item, at=item.get("at") or carrying, carrying=carrying)
    return scene
