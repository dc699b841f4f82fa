"""A resistance band: a line from a body point (a hand, by default) to another point or an
anchor in front of, behind or above the body; anchored in front or behind, a post holds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Strap, box, register


@dataclass(frozen=True)
class Band(Prop):
    kind: str = "band"
    may_repeat: bool = True
    strap: tuple[str, float] | None = ("#2b8a3e", 2.0)

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        a = scene.point(item.get("from") or "hand_near")
        b = scene.anchor(item.get("to") or "front")
        scene.straps.append(Strap("band", a, b))
        if item.get("to") in (None, "front", "behind"):
            scene.solids.append(
                box("band", "anchor", (b[0] - 3, b[0] + 3), (0, b[1] + 10), (b[2] - 3, b[2] + 3), solid=False)
            )


register(Band())
