"""A table, or the edge of a bed: a top 80 cm deep and 60 cm wide, 45 to 76 cm high.

Its top is under the part it is ``at`` (a forearm resting on it, a hand sliding on it, a
hand leaning on it) at that part's height, within a real table's or bed's, and it reaches
away from the body's middle. Where it would run into or under the rest of the body (an arm
hanging beside it) it is cut back, so the hanging arm is past its edge.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercises.pictures.props.registry import Prop, Scene, box, register

DEPTH, WIDTH, LOW, HIGH, TOP = 80.0, 60.0, 45.0, 76.0, 3.0


@dataclass(frozen=True)
class Table(Prop):
    kind: str = "table"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        at = at or "hand_near"  # a hand resting on it, unless the pose says which part
        x, y, z = scene.lowest(at)
        top = min(max(y, LOW), HIGH)
        d = 1.0 if x >= scene.centre_x() else -1.0
        xs = (x - 12 * d, x + (DEPTH - 12) * d)
        z0, z1 = z - WIDTH / 2, z + WIDTH / 2
        own = set(scene.group(at))
        # Cut the top back on each side until no other part of the body is inside the table.
        for _ in range(30):
            inside = [
                s
                for s in scene.samples
                if s not in own
                and min(xs) - s.radius < s.point[0] < max(xs) + s.radius
                and s.point[1] - s.reach((0.0, -1.0, 0.0)) < top + 3
            ]
            clash = [s for s in inside if z0 - s.radius < s.point[2] < z1 + s.radius]
            if not clash:
                break
            s = clash[0]
            if s.point[2] > z:
                z1 = min(z1, s.point[2] - s.radius - 1)
            else:
                z0 = max(z0, s.point[2] + s.radius + 1)
        scene.solids.append(box("table", "top", xs, (top - TOP, top), (z0, z1)))
        for leg_x in (xs[0] + 2 * d, xs[1] - 6 * d):
            for leg_z in (z0 + 1, z1 - 5):
                scene.solids.append(box("table", "leg", (leg_x, leg_x + 4 * d), (0, top - TOP), (leg_z, leg_z + 4)))


register(Table())
