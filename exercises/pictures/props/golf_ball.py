"""A golf ball, 4.3 cm across, on the floor under the arch of the foot it is ``at`` (the near
foot unless ``at`` names the far one)."""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, register

DIAMETER = 4.3


@dataclass(frozen=True)
class GolfBall(Prop):
    kind: str = "golf-ball"
    carries: float | None = DIAMETER
    fill: str = "#ffffff"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        side = "far" if (at or "").endswith("far") else "near"
        heel, toe = scene.point(f"heel_{side}"), scene.point(f"toe_{side}")
        # Under the arch: a little less than halfway from the heel to the toes.
        x = heel[0] + 0.45 * (toe[0] - heel[0])
        z = heel[2] + 0.45 * (toe[2] - heel[2])
        r = DIAMETER / 2
        scene.solids.append(Solid(self.kind, "ball", "ball", (x, scene.floor + r, z), r=r))


register(GolfBall())
