"""A soft ball or a rolled-up face cloth to squeeze: 7 cm across, in the palm of the hand it
is ``at`` (the near one unless named), held there by the fingers.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, register
from exercises.pictures.vectors import add

RADIUS = 3.5


@dataclass(frozen=True)
class HandBall(Prop):
    kind: str = "hand-ball"
    fill: str = "#ffc9c9"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        side = "far" if at and at.endswith("_far") else "near"
        palm = scene.body.points[f"palm_{side}"]
        centre = add(add(palm, scene.body.axes[f"palm_n_{side}"], RADIUS), scene.body.axes[f"palm_a_{side}"], 1.5)
        scene.solids.append(Solid("hand-ball", "ball held", "ball", centre, r=RADIUS, layer="over", solid=False))


register(HandBall())
