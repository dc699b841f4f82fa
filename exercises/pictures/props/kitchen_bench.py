"""A kitchen bench (worktop): a fixed support 90 cm high, 60 cm deep and 120 cm long.

The Otago programme asks for something fixed to hold, not a chair that can tip. ``at`` is the
holding hand (both hands unless it names one). Held in front (the hand is in front of the
body, not out to its side), the worktop's front edge is just behind the hand and the bench
reaches forward, away from the person; held at the side, it runs along the far side of the
body. Its top is at the holding hand, which a pose keeps at 85-95 cm: kitchen benches are
built at about 90 cm.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register

HEIGHT, DEPTH, LENGTH = 90.0, 60.0, 120.0
LOWEST, HIGHEST = 85.0, 95.0  # cm: the heights a pose may hold it at
TOP, KICK = 4.0, 8.0  # cm: the worktop's thickness and how far the cupboard under it stands back
SIDE = 28.0  # cm from the body's midline: a hand further out holds a bench at the side
FILL = "#e9ecef"


@dataclass(frozen=True)
class KitchenBench(Prop):
    kind: str = "kitchen-bench"
    fill: str = FILL

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        x, y, z = scene.lowest(at or "hands")
        top = min(max(y, LOWEST), HIGHEST)
        add = scene.solids.append
        if abs(z - scene.body.points["pelvis"][2]) < SIDE:
            # Held in front: the worktop's edge just behind the hand, the cupboard under it.
            edge = x - 6
            add(box(self.kind, "top", (edge, edge + DEPTH), (top - TOP, top), (-LENGTH / 2, LENGTH / 2)))
            add(box(self.kind, "cupboard", (edge + KICK, edge + DEPTH), (0, top - TOP), (-LENGTH / 2, LENGTH / 2)))
        else:
            # Held at the side: the bench runs along the far side of the body, drawn behind it.
            edge = z + 6
            for name, y0, inset in (("top", top - TOP, 0.0), ("cupboard", 0.0, KICK)):
                add(
                    box(
                        self.kind,
                        name,
                        (x - LENGTH / 2, x + LENGTH / 2),
                        (y0, top if name == "top" else top - TOP),
                        (edge - inset, edge - DEPTH),
                        layer="background",
                    )
                )


register(KitchenBench())
