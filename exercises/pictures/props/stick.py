"""A stick (a broom handle or a wand): 100 cm long and 2.5 cm thick, held in both hands.

It runs through both hands and past them; hands more than 80 cm apart hold it 10 cm from
its ends. Drawn over the body, which may overlap it.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, register
from exercises.pictures.vectors import add, length, mid, sub, unit

LENGTH, RADIUS, GRIP = 100.0, 1.25, 3.0


@dataclass(frozen=True)
class Stick(Prop):
    kind: str = "stick"
    fill: str = "#c69c6d"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        # Gripped: the stick lies in the curled fingers, not through the middle of the hands.
        grip = unit(add(scene.body.axes["palm_a_near"], scene.body.axes["palm_a_far"]))
        a = add(scene.point("hand_far"), grip, GRIP)
        b = add(scene.point("hand_near"), grip, GRIP)
        direction = unit(sub(b, a))
        half = max(LENGTH, length(sub(b, a)) + 20) / 2
        c = mid(a, b)
        scene.solids.append(
            Solid(
                "stick",
                "stick held",
                "rod",
                add(c, direction, -half),
                add(c, direction, half),
                RADIUS,
                layer="over",
                solid=False,
            )
        )


register(Stick())
