"""The exercise mat: 180 x 60 cm and 1 cm thick, under the whole body.

It carries nothing itself: it lifts the floor the body lies on by its thickness, and is as
long as the body lying on it (up to its own length) and at least its own width.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register

THICKNESS, LENGTH, WIDTH = 1.0, 180.0, 60.0


@dataclass(frozen=True)
class Mat(Prop):
    kind: str = "mat"
    raises_floor: float = THICKNESS
    fill: str = "#d3e3f3"
    # Seen from above a mat is a flat sheet on the floor: a light outline, not a block.
    fill_from_above: str | None = "#eef4fa"
    top_face: bool = False

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        x0, x1 = scene.extent(0)
        z0, z1 = scene.extent(2)
        span = min(LENGTH, x1 - x0 + 24)
        cx, cz = (x0 + x1) / 2, (z0 + z1) / 2
        width = max(WIDTH, min(z1 - z0 + 10, 120))
        scene.solids.append(
            box(
                "mat",
                "mat",
                (cx - span / 2, cx + span / 2),
                (0, THICKNESS),
                (cz - width / 2, cz + width / 2),
                layer="under",
            )
        )


register(Mat())
