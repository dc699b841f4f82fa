"""A kitchen chair: seat 46 cm high, 42 cm deep and 44 cm wide, back 88 cm high.

Sat on, its back is just behind the part it carries; held for balance, the top of its back
is under the hand it is ``at`` and its seat is ahead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, box, register

SEAT_HEIGHT, SEAT_DEPTH, SEAT_WIDTH, BACK_HEIGHT = 46.0, 42.0, 44.0, 88.0


@dataclass(frozen=True)
class Chair(Prop):
    kind: str = "chair"
    carries: float | None = SEAT_HEIGHT
    seat: bool = True
    sat_on: bool = True
    needs_at: bool = True

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        if carrying:
            back = min(s.point[0] - s.reach((-1.0, 0.0, 0.0)) for s in scene.group(carrying)) - 1
            _chair(scene.solids.append, back, 0.0, 1.0, BACK_HEIGHT)
        else:
            hand = scene.lowest(at)
            # Held for balance: the top of the chair's back under the hand, its seat ahead.
            _chair(scene.solids.append, hand[0] - 1.5, hand[2] - SEAT_WIDTH / 2 + 8, 1.0, min(max(hand[1], 72), 100))


def _chair(add_solid: Callable[[Solid], None], back_x: float, z_centre: float, facing: float, back_top: float) -> None:
    x0, x1 = back_x, back_x + SEAT_DEPTH * facing
    z0, z1 = z_centre - SEAT_WIDTH / 2, z_centre + SEAT_WIDTH / 2
    add_solid(box("chair", "seat", (x0, x1), (SEAT_HEIGHT - 4, SEAT_HEIGHT), (z0, z1)))
    add_solid(box("chair", "back", (x0 - 3 * facing, x0), (SEAT_HEIGHT, back_top), (z0, z1)))
    for x in (x0, x1 - 3 * facing):
        for z in (z0, z1 - 3):
            add_solid(box("chair", "leg", (x, x + 3 * facing), (0, SEAT_HEIGHT - 4), (z, z + 3)))


register(Chair())
