"""An ankle weight: a cuff round the shin just above the ankle of the leg it is ``at``
(the near leg unless ``at`` names the far side). Drawn in the dumbbell's iron colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.dumbbell import WEIGHT_FILL
from exercises.pictures.props.registry import Prop, Scene, Solid, register
from exercises.pictures.skeleton import RADIUS
from exercises.pictures.vectors import add, sub, unit


@dataclass(frozen=True)
class AnkleWeight(Prop):
    kind: str = "ankle-weight"
    needs_at: bool = True
    may_repeat: bool = True
    fill: str = WEIGHT_FILL

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        side = "far" if (at or "").endswith("far") else "near"
        p = scene.body.points
        knee, ankle = p[f"knee_{side}"], p[f"ankle_{side}"]
        shin = unit(sub(knee, ankle))
        scene.solids.append(
            Solid(
                "ankle-weight",
                "cuff",
                "rod",
                add(ankle, shin, 4),
                add(ankle, shin, 13),
                RADIUS["shin"] + 3.0,
                layer="over",
                solid=False,
            )
        )


register(AnkleWeight())
