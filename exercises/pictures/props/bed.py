"""A bed, 55 cm high and 90 cm wide, lain on; its near edge is just inside the near shoulder,
so the near arm can hang over the side towards the floor.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register
from exercises.pictures.skeleton import RADIUS

HEIGHT, WIDTH = 55.0, 90.0


@dataclass(frozen=True)
class Bed(Prop):
    kind: str = "bed"
    carries: float | None = HEIGHT
    fill: str = "#e7eef6"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        x0, x1 = scene.extent(0)
        edge = scene.body.points["shoulder_near"][2] - RADIUS["upper_arm"] - 1.5
        xs = (x0 - 8, x1 + 8)
        scene.solids.append(box("bed", "mattress", xs, (HEIGHT - 18, HEIGHT), (edge - WIDTH, edge)))
        scene.solids.append(box("bed", "base", (xs[0] + 4, xs[1] - 4), (0, HEIGHT - 18), (edge - WIDTH + 4, edge - 4)))


register(Bed())
