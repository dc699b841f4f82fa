"""A light hand weight (a half-kilo dumbbell, or a can of food): 16 cm long, ends 4.4 cm
across, held in the hand it is ``at`` (the near one unless named), its bar across the palm.
Drawn over the body and small, so the fist holding it stays in sight.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, register
from exercises.pictures.vectors import add

WEIGHT_FILL = "#495057"
HALF_LENGTH, HEAD_RADIUS, BAR_RADIUS = 8.0, 2.2, 1.2


@dataclass(frozen=True)
class HandWeight(Prop):
    kind: str = "hand-weight"
    may_repeat: bool = True
    fill: str = WEIGHT_FILL

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        side = "far" if at and at.endswith("_far") else "near"
        # Gripped in the fist: through the middle of the curled fingers, across the palm.
        c = add(scene.body.points[f"hand_{side}"], scene.body.axes[f"palm_n_{side}"], 3.0)
        across = scene.body.axes[f"palm_t_{side}"]
        a, b = add(c, across, HALF_LENGTH), add(c, across, -HALF_LENGTH)
        scene.solids.append(Solid("hand-weight", "bar held", "rod", a, b, BAR_RADIUS, layer="over", solid=False))
        for end in (a, b):
            scene.solids.append(
                Solid(
                    "hand-weight",
                    "head held",
                    "rod",
                    add(end, across, -1.5),
                    add(end, across, 1.5),
                    HEAD_RADIUS,
                    layer="over",
                    solid=False,
                )
            )


register(HandWeight())
