"""Stairs with a hand rail: three stairs, each 17 cm high and 28 cm deep, 90 cm wide.

Stood on, a standing pose is on the bottom stair. The bottom stair's back edge is just behind
the heel of the foot the stairs are ``at``, and the flight rises forward, away from the
person. The rail runs up the far side at the stairs' slope, through the far hand, held at
about 90 cm above the stairs' front edges.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, box, register

RISE, GOING, WIDTH, FLIGHT = 17.0, 28.0, 90.0, 3
RAIL_RADIUS = 2.5
POST_RADIUS = 2.0


@dataclass(frozen=True)
class Stairs(Prop):
    kind: str = "stairs"
    carries: float | None = RISE
    stood_on: bool = True
    needs_at: bool = True

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        foot = at or "foot_near"
        heel_at = foot.replace("foot", "heel") if foot.startswith("foot") else foot
        heel = scene.lowest(heel_at)
        start = heel[0] - 6
        z0, z1 = -WIDTH / 2, WIDTH / 2
        for n in range(FLIGHT):
            x0 = start + n * GOING
            scene.solids.append(
                box(self.kind, f"stair {n + 1}", (x0, start + FLIGHT * GOING), (n * RISE, (n + 1) * RISE), (z0, z1))
            )
        # The rail: through the far hand, rising with the flight, on posts on the far side.
        grip = scene.lowest("hand_far")
        hand = (grip[0], grip[1] - RAIL_RADIUS, grip[2])  # the rail's axis, under the palm
        slope = RISE / GOING
        z = hand[2]
        x_lo, x_hi = start - GOING, start + FLIGHT * GOING
        y_at = lambda x: hand[1] + (x - hand[0]) * slope  # noqa: E731 - the rail's line
        scene.solids.append(
            Solid(
                self.kind, "rail", "rod", (x_lo, y_at(x_lo), z), (x_hi, y_at(x_hi), z), RAIL_RADIUS, layer="background"
            )
        )
        for x, floor in ((x_lo + 4, 0.0), (x_hi - 4, FLIGHT * RISE)):
            scene.solids.append(
                Solid(self.kind, "post", "rod", (x, floor, z), (x, y_at(x), z), POST_RADIUS, layer="background")
            )


register(Stairs())
