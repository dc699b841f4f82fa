"""An aerobic step or the bottom stair: 18 cm high, 34 cm deep and 60 cm wide.

A standing pose with a step stands on it unless it says otherwise. The step reaches forward
from the heel of the foot it is ``at``, so a dropped heel hangs over its back edge.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register

HEIGHT, DEPTH, WIDTH = 18.0, 34.0, 60.0


@dataclass(frozen=True)
class Step(Prop):
    kind: str = "step"
    carries: float | None = HEIGHT
    seat: bool = True
    stood_on: bool = True
    needs_at: bool = True

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        x, y, z = scene.lowest(at)
        # The step reaches forward from the heel, so a dropped heel hangs over its back edge.
        heel = scene.lowest(at.replace("foot", "heel")) if at and at.startswith("foot") else (x, y, z)
        scene.solids.append(
            box("step", "step", (heel[0] - 6, heel[0] - 6 + DEPTH), (0, HEIGHT), (-WIDTH / 2, WIDTH / 2))
        )


register(Step())
