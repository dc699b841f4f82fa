"""A seated leg curl machine: the pad behind the lower legs, pushed down by bending the
knees, and a second pad holding the thighs down on the seat (see ``seated_machine``).
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Scene, Solid, register
from exercises.pictures.props.seated_machine import SeatedMachine


@dataclass(frozen=True)
class LegCurlMachine(SeatedMachine):
    kind: str = "leg-curl-machine"
    pad_side: float = -1.0

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        super().place(scene, item, at=at, carrying=carrying)
        # The thigh pad holds the thighs down on the seat.
        p = scene.body.points
        hip, knee = p["hip_near"], p["knee_near"]
        thigh_top = max(s.point[1] + s.reach((0.0, 1.0, 0.0)) for s in scene.group("thighs"))
        x = (hip[0] + knee[0]) / 2 + 8
        scene.solids.append(
            Solid(self.kind, "thigh-pad", "rod", (x, thigh_top + 6, -24.0), (x, thigh_top + 6, 18.0), 6.0, layer="over")
        )


register(LegCurlMachine())
