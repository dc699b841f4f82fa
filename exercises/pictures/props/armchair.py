"""A firm chair with arms: seat 46 cm high, 45 cm deep and 50 cm wide, arm rests about 20 cm
above the seat, back 88 cm high.

Sat on, its back is just behind the part it carries; stood in front of, its seat's front edge
is just behind the calves. Its arm rests are under the hands
(hands resting on the arms, ready to push up), held at 15-25 cm above the seat. The far arm
rest is drawn behind the body and the near one over it.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register

SEAT_HEIGHT, SEAT_DEPTH, SEAT_WIDTH, BACK_HEIGHT = 46.0, 45.0, 50.0, 88.0
ARM_LOW, ARM_HIGH = 15.0, 25.0  # cm above the seat
ARM_LENGTH, ARM_WIDTH = 36.0, 6.0


@dataclass(frozen=True)
class ArmChair(Prop):
    kind: str = "armchair"
    carries: float | None = SEAT_HEIGHT
    seat: bool = True
    sat_on: bool = True

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        if carrying:
            x0 = min(s.point[0] - s.reach((-1.0, 0.0, 0.0)) for s in scene.group(carrying)) - 1
        else:
            # Stood up from: the seat's front edge just behind the calves.
            x0 = min(s.point[0] - s.reach((-1.0, 0.0, 0.0)) for s in scene.group("shins")) - 2 - SEAT_DEPTH
        x1 = x0 + SEAT_DEPTH
        z0, z1 = -SEAT_WIDTH / 2 - ARM_WIDTH, SEAT_WIDTH / 2 + ARM_WIDTH
        add = scene.solids.append
        add(box(self.kind, "seat", (x0, x1), (SEAT_HEIGHT - 4, SEAT_HEIGHT), (-SEAT_WIDTH / 2, SEAT_WIDTH / 2)))
        add(box(self.kind, "back", (x0 - 3, x0), (SEAT_HEIGHT, BACK_HEIGHT), (z0, z1), layer="background"))
        hand = scene.lowest("hand_far")
        arm_top = SEAT_HEIGHT + min(max(hand[1] - SEAT_HEIGHT, ARM_LOW), ARM_HIGH)
        # The far arm rest is drawn behind the body, the near one over it, so both hands'
        # rests show from the side.
        for name, (za, zb), layer in (
            ("arm far", (z0, z0 + ARM_WIDTH), "background"),
            ("arm near", (z1 - ARM_WIDTH, z1), "over"),
        ):
            add(box(self.kind, name, (x0, x0 + ARM_LENGTH), (arm_top - 4, arm_top), (za, zb), layer=layer))
            add(
                box(
                    self.kind,
                    name,
                    (x0 + ARM_LENGTH - 4, x0 + ARM_LENGTH),
                    (SEAT_HEIGHT, arm_top - 4),
                    (za, zb),
                    layer=layer,
                    solid=False,
                )
            )
        for x in (x0, x1 - 3):
            for z in (-SEAT_WIDTH / 2, SEAT_WIDTH / 2 - 3):
                add(box(self.kind, "leg", (x, x + 3), (0, SEAT_HEIGHT - 4), (z, z + 3)))


register(ArmChair())
