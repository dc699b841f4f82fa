"""A closed door with a resistance band shut in it: 82 cm wide, 4 cm thick and 204 cm high.

It stands where each band in the pose is anchored in front of, behind or beside the body
(``{"kind": "band", "from": "hand_near", "to": "far"}``), its face towards the person, so
the band comes out of the door level with the hand. List it after the bands.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register

WIDTH, THICKNESS, HEIGHT = 82.0, 4.0, 204.0
DOOR_FILL = "#e9dcc9"


@dataclass(frozen=True)
class DoorAnchor(Prop):
    kind: str = "door-anchor"
    fill: str = DOOR_FILL
    top_face: bool = False

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        body = scene.body.points.values()
        ends = [strap.b for strap in scene.straps if strap.kind == "band" and strap.b not in body]
        if not ends:
            ends = [scene.anchor("front")]
        # The door holds the band: no post is needed where it is anchored.
        scene.solids[:] = [s for s in scene.solids if not (s.kind == "band" and s.name == "anchor")]
        x0, x1 = scene.extent(0)
        z0, z1 = scene.extent(2)
        done = set()
        for b in ends:
            beside = b[2] > z1 or b[2] < z0
            if beside:
                # The door's face looks across the body: the band comes out of it beside the person.
                zs = (b[2], b[2] - THICKNESS) if b[2] < z0 else (b[2], b[2] + THICKNESS)
                xs = (b[0] - 12, b[0] + WIDTH - 12)
            else:
                xs = (b[0], b[0] + THICKNESS) if b[0] > x1 else (b[0], b[0] - THICKNESS)
                zs = (-WIDTH / 2, WIDTH / 2)
            key = (round(xs[0]), round(zs[0]))
            if key not in done:
                done.add(key)
                scene.solids.append(box("door-anchor", "door", xs, (0, HEIGHT), zs, layer="background"))


register(DoorAnchor())
