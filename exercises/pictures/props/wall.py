"""A wall, 12 cm thick, against the body part it is ``at`` (the back leaning on it, the hands
pushing it), on whichever side of the body that part is.

It is drawn behind the body and spans the picture, so it does not count when the picture is
fitted to its frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register

THICKNESS = 12.0
FILL = "#f1f3f5"


def faces(scene: Scene, at: str) -> tuple[float, float]:
    """The x of a wall's two faces, the near one touching the part ``at``."""
    group = scene.group(at)
    centre = scene.centre_x()
    mean = sum(s.point[0] for s in group) / len(group)
    if mean >= centre:
        x = max(s.point[0] + s.reach((1.0, 0.0, 0.0)) for s in group)
        return (x, x + THICKNESS)
    x = min(s.point[0] - s.reach((-1.0, 0.0, 0.0)) for s in group)
    return (x - THICKNESS, x)


@dataclass(frozen=True)
class Wall(Prop):
    kind: str = "wall"
    leaned_on: bool = True
    needs_at: bool = True
    fill: str = FILL
    top_face: bool = False

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        scene.solids.append(box("wall", "wall", faces(scene, at), (0, 250), (-90, 90), layer="background"))


register(Wall())
