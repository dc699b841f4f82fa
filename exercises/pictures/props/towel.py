"""A towel: held as a strap from a body point to another point or an anchor, or folded
(28 x 30 cm) on top of the body part it is ``at``.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Strap, box, register


@dataclass(frozen=True)
class Towel(Prop):
    kind: str = "towel"
    may_repeat: bool = True
    strap: tuple[str, float] | None = ("#c9a227", 3.5)
    fill: str = "#f3e6b3"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        if "from" in item:
            scene.straps.append(Strap("towel", scene.point(item["from"]), scene.anchor(item["to"])))
            return
        c = scene.on_top(at, 0.0)
        scene.solids.append(
            box(
                "towel",
                "towel",
                (c[0] - 14, c[0] + 14),
                (c[1], c[1] + 2.5),
                (c[2] - 15, c[2] + 15),
                layer="over",
                solid=False,
            )
        )


register(Towel())
