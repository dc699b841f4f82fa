"""A 65 cm exercise ball, lying on the mat.

It carries the part resting on it (sitting on it, heels on it lying on the back); otherwise
it rolls in along the floor from the side of the part it is ``at`` until it meets the body.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, register

RADIUS = 32.5


@dataclass(frozen=True)
class Ball(Prop):
    kind: str = "ball"
    carries: float | None = 2 * RADIUS
    on_mat: bool = True
    seat: bool = True
    needs_at: bool = True
    fill: str = "#dceafb"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        floor = scene.floor
        x, _, z = scene.lowest(at)
        if carrying:
            scene.solids.append(Solid("ball", "ball", "ball", (x, floor + RADIUS, z), r=RADIUS))
            return
        # Not carrying the body: the ball rolls in along the floor until it meets the body.
        d = 1.0 if x >= scene.centre_x() else -1.0

        def ball(cx: float) -> Solid:
            return Solid("ball", "ball", "ball", (cx, floor + RADIUS, z), r=RADIUS)

        far, near = x + 150 * d, x - RADIUS * d
        for _ in range(40):
            middle = (far + near) / 2
            if min(ball(middle).clearance(s) for s in scene.samples) > 0:
                far = middle
            else:
                near = middle
        scene.solids.append(ball(far))


register(Ball())
