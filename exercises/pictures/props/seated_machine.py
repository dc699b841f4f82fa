"""What the two seated leg machines share: a seat 50 cm high with a back pad and a frame,
and a lever from the knee to a pad across both lower legs just above the ankles.

Not a prop itself: ``leg_extension_machine`` and ``leg_curl_machine`` subclass it.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, box
from exercises.pictures.skeleton import RADIUS
from exercises.pictures.vectors import add, cross, sub, unit

SEAT_HEIGHT = 50.0
SHIN_PAD_AT = 34.0  # cm down the shin from the knee
PAD_FILL = "#5c6b7a"


@dataclass(frozen=True)
class SeatedMachine(Prop):
    carries: float | None = SEAT_HEIGHT
    seat: bool = True
    sat_on: bool = True

    # +1: the shin pad is in front of the shins (extension), -1: behind them (curl)
    pad_side: float = 0.0

    def fill_for(self, part: str) -> str:
        return PAD_FILL if part in ("pad", "thigh-pad", "back") else self.fill

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        """Seat, back pad, frame, and a lever pad on the lower legs."""
        kind = self.kind
        add_solid = scene.solids.append
        seat_group = carrying or "pelvis"
        back = min(s.point[0] - s.reach((-1.0, 0.0, 0.0)) for s in scene.group(seat_group)) - 1
        p = scene.body.points
        knee = p["knee_near"]
        seat_front = knee[0] - 4
        top = SEAT_HEIGHT
        add_solid(box(kind, "seat", (back, seat_front), (top - 8, top), (-22, 22)))
        add_solid(box(kind, "back", (back - 9, back), (top, top + 62), (-22, 22)))
        add_solid(box(kind, "frame", (back - 5, seat_front - 10), (0, top - 8), (-6, 6)))
        # Pad across both lower legs just above the ankles: in front of the shins on the
        # extension machine, behind them on the curl machine; the lever swings from the knee.
        ankle = p["ankle_near"]
        shin = unit(sub(ankle, knee))
        front = cross((0.0, 0.0, 1.0), shin)  # the front of the shin, in the side view's plane
        pad = add(add(knee, shin, SHIN_PAD_AT), front, self.pad_side * (RADIUS["shin"] + 6.0))
        pivot = (knee[0], knee[1], -30.0)
        add_solid(Solid(kind, "lever", "rod", pivot, (pad[0], pad[1], -30.0), 2.2, layer="support", solid=False))
        add_solid(
            Solid(
                kind,
                "pivot",
                "rod",
                (knee[0], knee[1], -34.0),
                (knee[0], knee[1], -26.0),
                4.0,
                layer="support",
                solid=False,
            )
        )
        add_solid(Solid(kind, "pad", "rod", (pad[0], pad[1], -26.0), (pad[0], pad[1], 18.0), 6.0, layer="over"))
