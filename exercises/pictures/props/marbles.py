"""Marbles and a bowl: a few 1.6 cm marbles on the floor just in front of the foot the marbles
are ``at`` (the near foot unless it names the far one) and one held under its toes, and a
bowl 16 cm across and 7 cm high on the floor beyond them.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, box, register

BOWL, BOWL_HEIGHT, MARBLE = 16.0, 7.0, 1.6
FILL = "#a5d8ff"


@dataclass(frozen=True)
class Marbles(Prop):
    kind: str = "marbles"
    fill: str = FILL

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        side = "far" if (at or "").endswith("far") else "near"
        toe = scene.point(f"toe_{side}")
        tip = scene.lowest(f"toe_{side}")
        r = MARBLE / 2
        add = scene.solids.append
        # One marble curled under the toes, the rest on the floor ahead, the bowl beyond them.
        add(Solid(self.kind, "marble", "ball", (tip[0] - 1.0, tip[1] - r + 0.5, tip[2]), r=r, solid=False))
        for dx, dz in ((6, 3), (9, -2), (12, 4)):
            add(Solid(self.kind, "marble", "ball", (toe[0] + dx, scene.floor + r, toe[2] + dz), r=r))
        x0 = toe[0] + 18
        add(
            box(
                self.kind,
                "bowl",
                (x0, x0 + BOWL),
                (scene.floor, scene.floor + BOWL_HEIGHT),
                (toe[2] - BOWL / 2, toe[2] + BOWL / 2),
            )
        )


register(Marbles())
