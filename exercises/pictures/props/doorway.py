"""A doorway: a wall with an opening, seen from the side as the wall's edge.

The leg on the floor passes through the opening on the far side, so the wall is nearer the
side camera than that leg and is drawn over it, with its frame.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register
from exercises.pictures.props.wall import FILL, faces

FRAME_FILL = "#ced4da"


@dataclass(frozen=True)
class Doorway(Prop):
    kind: str = "doorway"
    leaned_on: bool = True
    needs_at: bool = True
    fill: str = FILL
    top_face: bool = False

    def fill_for(self, part: str) -> str:
        return FRAME_FILL if part == "frame" else self.fill

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        xs = faces(scene, at)
        # Seen from the side the doorway is the wall's edge: the leg on the floor passes
        # through the opening on the far side.
        z_edge = scene.point(at)[2] - 8
        # The wall is nearer the side camera than the leg through the door: drawn over it.
        scene.solids.append(box("doorway", "wall", xs, (0, 250), (z_edge, z_edge + 90), layer="front"))
        scene.solids.append(box("doorway", "frame", xs, (0, 250), (z_edge - 5, z_edge), layer="front"))


register(Doorway())
