"""A resistance band shut in a closed door: a band from the hand (``from``) to an anchor
level with it (``to``: front, behind, near or far, the side of the body), and the door there,
82 cm wide, 4 cm thick and 204 cm high, its face towards the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Strap, box, register

WIDTH, THICKNESS, HEIGHT = 82.0, 4.0, 204.0
DOOR_FILL = "#e9dcc9"


@dataclass(frozen=True)
class DoorAnchor(Prop):
    kind: str = "door-anchor"
    may_repeat: bool = True
    strap: tuple[str, float] | None = ("#2b8a3e", 2.0)
    fill: str = DOOR_FILL
    top_face: bool = False

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        a = scene.point(item.get("from") or "hand_near")
        to = item.get("to") or "front"
        b = scene.anchor(to)
        scene.straps.append(Strap("door-anchor", a, b))
        if to in ("near", "far"):
            # The door's face looks across the body: the band comes out of it beside the person.
            zs = (b[2], b[2] - THICKNESS) if to == "far" else (b[2], b[2] + THICKNESS)
            xs = (b[0] - 12, b[0] + WIDTH - 12)
        else:
            xs = (b[0], b[0] + THICKNESS) if to == "front" else (b[0], b[0] - THICKNESS)
            zs = (b[2] - WIDTH / 2, b[2] + WIDTH / 2)
        scene.solids.append(box("door-anchor", "door", xs, (0, HEIGHT), zs, layer="background"))


register(DoorAnchor())
