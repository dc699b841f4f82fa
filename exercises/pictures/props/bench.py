"""A gym or garden bench: 40 cm high, 36 cm wide and 110 cm long, standing on the ground.

Sat or lain on, only its edge is under the part it carries and it reaches away from the
body's middle; leant on, it slides in from the side of the part it is ``at`` until its top
edge touches the body.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, Solid, box, register

HEIGHT, WIDTH, LENGTH = 40.0, 36.0, 110.0


@dataclass(frozen=True)
class Bench(Prop):
    kind: str = "bench"
    carries: float | None = HEIGHT
    seat: bool = True
    sat_on: bool = True
    needs_at: bool = True

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        if not carrying:
            _against(scene, at)
            return
        x, _, _ = scene.lowest(at)
        # The bench reaches away from the body's middle: only its edge is under the contact.
        d = 1.0 if x >= scene.centre_x() else -1.0
        x0, x1 = x - 2 * d, x + (WIDTH - 2) * d
        top = HEIGHT
        z0, z1 = -LENGTH / 2, LENGTH / 2
        scene.solids.append(box("bench", "top", (x0, x1), (top - 6, top), (z0, z1)))
        for z in (z0 + 8, z1 - 12):
            scene.solids.append(box("bench", "leg", (x0 + 4 * d, x1 - 4 * d), (0, top - 6), (z, z + 4)))


def _against(scene: Scene, at: str) -> None:
    """A bench the body leans on with the given part: its top edge just touches that part."""
    group = scene.group(at)
    d = 1.0 if sum(s.point[0] for s in group) / len(group) < scene.centre_x() else -1.0
    z0, z1 = -LENGTH / 2, LENGTH / 2

    def bench(face: float) -> Solid:
        return box("bench", "top", (face, face - WIDTH * d), (0, HEIGHT), (z0, z1))

    def clearance(face: float) -> float:
        solid = bench(face)
        return min(solid.clearance(s) for s in scene.samples)

    # Slide the bench in from afar (on the part's side) until it touches the body.
    far, near = scene.point(at)[0] - 150 * d, scene.point(at)[0] + 60 * d
    for _ in range(40):
        middle = (far + near) / 2
        if clearance(middle) > 0:
            far = middle
        else:
            near = middle
    x = far
    scene.solids.append(box("bench", "top", (x, x - WIDTH * d), (HEIGHT - 6, HEIGHT), (z0, z1)))
    scene.solids.append(box("bench", "side", (x - 2 * d, x - (WIDTH - 2) * d), (0, HEIGHT - 6), (z0 + 6, z1 - 6)))


register(Bench())
