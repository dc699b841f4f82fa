"""A pillow or folded towel under a body part: 30 x 40 cm and 9 cm thick, lying on the mat.

Under a part resting on it, it fills the gap up to that part; under one that is not, it
lies flat (at most its thickness) beneath the part it is ``at``.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register

LENGTH, THICKNESS, WIDTH = 30.0, 9.0, 40.0


@dataclass(frozen=True)
class Pillow(Prop):
    kind: str = "pillow"
    carries: float | None = THICKNESS
    on_mat: bool = True
    needs_at: bool = True
    may_repeat: bool = True
    fill: str = "#f6f0e4"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        floor = scene.floor
        x, y, z = scene.lowest(at)
        top = y if carrying else min(y, floor + THICKNESS)
        scene.solids.append(
            box(
                "pillow",
                "pillow",
                (x - LENGTH / 2, x + LENGTH / 2),
                (floor, max(top, floor + 3)),
                (z - WIDTH / 2, z + WIDTH / 2),
            )
        )


register(Pillow())
