"""A dumbbell, 34 cm long with two 15 cm plates, resting on top of the part it is ``at`` (the
hands holding it, a weight across the hips). Drawn over the body; the body may overlap it.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, register
from exercises.pictures.vectors import add

WEIGHT_FILL = "#495057"


@dataclass(frozen=True)
class Dumbbell(Prop):
    kind: str = "dumbbell"
    needs_at: bool = True
    may_repeat: bool = True
    fill: str = WEIGHT_FILL

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        c = scene.on_top(at, 5.5)
        scene.solids.append(
            Solid("dumbbell", "bar", "rod", add(c, (0, 0, -17)), add(c, (0, 0, 17)), 1.8, layer="over", solid=False)
        )
        for z in (-13.0, 13.0):
            scene.solids.append(
                Solid(
                    "dumbbell",
                    "plate",
                    "rod",
                    add(c, (0, 0, z - 2)),
                    add(c, (0, 0, z + 2)),
                    7.5,
                    layer="over",
                    solid=False,
                )
            )


register(Dumbbell())
