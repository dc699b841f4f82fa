"""Props with real sizes, placed against a settled body, and the scene they make together.

A prop is made of solids (boxes, balls, rods) in world centimetres. Supports (bench, chair,
step, ball, pillow, machine seat) go under the body part that rests on them; walls go
against the part that leans on them; things held or worn (dumbbell, ankle weight, towel,
band) go on the part that holds or wears them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exercises.pictures.contacts import Sample, samples, settle
from exercises.pictures.skeleton import BASE_FRAME, RADIUS, Body, skeleton
from exercises.pictures.vectors import DOWN, Vec, add, cross, dot, length, sub, unit

# --- Props (centimetres). ---
MAT_THICKNESS, MAT_LENGTH, MAT_WIDTH = 1.0, 180.0, 60.0
SEAT_HEIGHT = 46.0
SEAT_DEPTH, SEAT_WIDTH, CHAIR_BACK = 42.0, 44.0, 88.0
BENCH_HEIGHT, BENCH_WIDTH, BENCH_LENGTH = 40.0, 36.0, 110.0
STEP_HEIGHT, STEP_DEPTH, STEP_WIDTH = 18.0, 34.0, 60.0
BALL_RADIUS = 32.5  # a 65 cm exercise ball
PILLOW = (30.0, 9.0, 40.0)  # length, thickness, width
MACHINE_SEAT = 50.0
WALL_THICKNESS = 12.0

PROP_KINDS = (
    "mat",
    "bench",
    "chair",
    "ball",
    "step",
    "wall",
    "doorway",
    "band",
    "towel",
    "dumbbell",
    "ankle-weight",
    "pillow",
    "leg-extension-machine",
    "leg-curl-machine",
)
# Props whose top surface can carry the body, with the height of that surface.
SUPPORT_HEIGHT = {
    "bench": BENCH_HEIGHT,
    "chair": SEAT_HEIGHT,
    "step": STEP_HEIGHT,
    "ball": 2 * BALL_RADIUS,
    "pillow": PILLOW[1],
    "leg-extension-machine": MACHINE_SEAT,
    "leg-curl-machine": MACHINE_SEAT,
}


@dataclass
class Solid:
    """One piece of a prop. ``shape``: box (``a``/``b`` opposite corners), ball (centre ``a``,
    radius ``r``) or rod (axis ``a``-``b``, radius ``r``)."""

    kind: str
    name: str
    shape: str
    a: Vec
    b: Vec = (0.0, 0.0, 0.0)
    r: float = 0.0
    layer: str = "support"  # under | background | support | over | front (walls over the body)
    solid: bool = True  # the body may touch it but not pass through it

    def distance(self, p: Vec) -> tuple[float, Vec]:
        """Signed distance from ``p`` to the surface and the outward direction there."""
        if self.shape == "ball":
            d = sub(p, self.a)
            n = length(d)
            return n - self.r, unit(d) if n > 1e-9 else (0.0, 1.0, 0.0)
        if self.shape == "rod":
            ab = sub(self.b, self.a)
            t = max(0.0, min(1.0, dot(sub(p, self.a), ab) / max(dot(ab, ab), 1e-9)))
            q = add(self.a, ab, t)
            d = sub(p, q)
            n = length(d)
            return n - self.r, unit(d) if n > 1e-9 else (0.0, 1.0, 0.0)
        lo = tuple(min(self.a[i], self.b[i]) for i in range(3))
        hi = tuple(max(self.a[i], self.b[i]) for i in range(3))
        q = tuple(min(max(p[i], lo[i]), hi[i]) for i in range(3))
        d = sub(p, q)
        n = length(d)
        if n > 1e-9:
            return n, unit(d)
        # Inside: the nearest face.
        best = None
        for i in range(3):
            for bound, sign in ((lo[i], -1.0), (hi[i], 1.0)):
                depth = abs(p[i] - bound)
                if best is None or depth < best[0]:
                    normal = [0.0, 0.0, 0.0]
                    normal[i] = sign
                    best = (depth, tuple(normal))
        return -best[0], best[1]

    def clearance(self, s: Sample) -> float:
        d, n = self.distance(s.point)
        return d - s.reach(n)

    def corners(self) -> list[Vec]:
        (x0, y0, z0), (x1, y1, z1) = self.a, self.b
        return [(x, y, z) for x in (x0, x1) for y in (y0, y1) for z in (z0, z1)]


@dataclass
class Strap:
    """A band or towel: a line from a body point to another point or an anchor."""

    kind: str
    a: Vec
    b: Vec


@dataclass
class Scene:
    body: Body
    samples: list[Sample]
    solids: list[Solid]
    floor: float
    straps: list[Strap] = field(default_factory=list)

    def group(self, name: str) -> list[Sample]:
        return [s for s in self.samples if name in s.tags]

    def solids_of(self, kind: str) -> list[Solid]:
        return [s for s in self.solids if s.kind == kind]


def box(kind: str, name: str, x: tuple[float, float], y: tuple[float, float], z: tuple[float, float], **kw) -> Solid:
    return Solid(kind, name, "box", (min(x), min(y), min(z)), (max(x), max(y), max(z)), **kw)


def surface_height(surface: str, floor: float) -> float | None:
    """Height of a surface the body rests on, or None for a vertical one (a wall)."""
    if surface == "floor":
        return floor
    if surface in ("ball", "pillow"):
        return floor + SUPPORT_HEIGHT[surface]
    return SUPPORT_HEIGHT.get(surface)


def build_scene(pose: dict) -> Scene:
    """Lay out a validated pose (see ``exercises.pictures.poses.validate_pose``): body, props, straps."""
    body = skeleton(pose["joints"])
    body = body.transformed(BASE_FRAME[pose["base"]], (0.0, 0.0, 0.0))
    kinds = [prop["kind"] for prop in pose["props"]]
    floor = MAT_THICKNESS if "mat" in kinds else 0.0
    targets = []
    for group, surface in pose["contacts"].items():
        height = surface_height(surface, floor)
        if height is not None:
            targets.append((group, height))
    if not targets:
        targets = [("lowest", floor)]
    m, shift = settle(body, targets, floor)
    body = body.transformed(m, shift)
    ss = samples(body)
    scene = Scene(body, ss, [], floor)
    carried = {}
    for group, surface in pose["contacts"].items():
        carried.setdefault(surface, group)
    for prop in pose["props"]:
        _place(scene, prop, carried.get(prop["kind"]), pose)
    return scene


def _extent(scene: Scene, axis: int) -> tuple[float, float]:
    values = [s.point[axis] - s.reach(_axis(axis)) for s in scene.samples]
    values += [s.point[axis] + s.reach(_axis(axis)) for s in scene.samples]
    return min(values), max(values)


def _axis(i: int) -> Vec:
    return tuple(1.0 if k == i else 0.0 for k in range(3))  # type: ignore[return-value]


def _lowest(scene: Scene, group: str) -> Vec:
    best = min(scene.group(group), key=lambda s: s.point[1] - s.reach(DOWN))
    return (best.point[0], best.point[1] - best.reach(DOWN), best.point[2])


def _point(scene: Scene, name: str) -> Vec:
    if name in scene.body.points:
        return scene.body.points[name]
    group = scene.group(name)
    n = len(group)
    return tuple(sum(s.point[i] for s in group) / n for i in range(3))  # type: ignore[return-value]


def _centre_x(scene: Scene) -> float:
    return sum(s.point[0] for s in scene.samples) / len(scene.samples)


def _place(scene: Scene, prop: dict, carrying_group: str | None, pose: dict) -> None:
    kind = prop["kind"]
    at = prop.get("at") or carrying_group
    add_solid = scene.solids.append
    floor = scene.floor
    if kind == "mat":
        x0, x1 = _extent(scene, 0)
        z0, z1 = _extent(scene, 2)
        span = min(MAT_LENGTH, x1 - x0 + 24)
        cx, cz = (x0 + x1) / 2, (z0 + z1) / 2
        width = max(MAT_WIDTH, min(z1 - z0 + 10, 120))
        add_solid(
            box(
                "mat",
                "mat",
                (cx - span / 2, cx + span / 2),
                (0, MAT_THICKNESS),
                (cz - width / 2, cz + width / 2),
                layer="under",
            )
        )
        return
    if kind == "ball":
        x, _, z = _lowest(scene, at)
        if carrying_group:
            add_solid(Solid("ball", "ball", "ball", (x, floor + BALL_RADIUS, z), r=BALL_RADIUS))
            return
        # Not carrying the body: the ball rolls in along the floor until it meets the body.
        d = 1.0 if x >= _centre_x(scene) else -1.0

        def ball(cx: float) -> Solid:
            return Solid("ball", "ball", "ball", (cx, floor + BALL_RADIUS, z), r=BALL_RADIUS)

        far, near = x + 150 * d, x - BALL_RADIUS * d
        for _ in range(40):
            middle = (far + near) / 2
            if min(ball(middle).clearance(s) for s in scene.samples) > 0:
                far = middle
            else:
                near = middle
        add_solid(ball(far))
        return
    if kind == "pillow":
        x, y, z = _lowest(scene, at)
        top = y if carrying_group else min(y, floor + PILLOW[1])
        length_, _, width = PILLOW
        add_solid(
            box(
                "pillow",
                "pillow",
                (x - length_ / 2, x + length_ / 2),
                (floor, max(top, floor + 3)),
                (z - width / 2, z + width / 2),
            )
        )
        return
    if kind == "bench" and not carrying_group:
        _bench_against(scene, at)
        return
    if kind == "bench":
        x, _, _ = _lowest(scene, at)
        # The bench reaches away from the body's middle: only its edge is under the contact.
        d = 1.0 if x >= _centre_x(scene) else -1.0
        x0, x1 = x - 2 * d, x + (BENCH_WIDTH - 2) * d
        top = BENCH_HEIGHT
        z0, z1 = -BENCH_LENGTH / 2, BENCH_LENGTH / 2
        add_solid(box("bench", "top", (x0, x1), (top - 6, top), (z0, z1)))
        for z in (z0 + 8, z1 - 12):
            add_solid(box("bench", "leg", (x0 + 4 * d, x1 - 4 * d), (0, top - 6), (z, z + 4)))
        return
    if kind == "step":
        x, y, z = _lowest(scene, at)
        top = STEP_HEIGHT
        # The step reaches forward from the heel, so a dropped heel hangs over its back edge.
        heel = _lowest(scene, at.replace("foot", "heel")) if at and at.startswith("foot") else (x, y, z)
        add_solid(
            box("step", "step", (heel[0] - 6, heel[0] - 6 + STEP_DEPTH), (0, top), (-STEP_WIDTH / 2, STEP_WIDTH / 2))
        )
        return
    if kind == "chair":
        if carrying_group:
            back = min(s.point[0] - s.reach((-1.0, 0.0, 0.0)) for s in scene.group(carrying_group)) - 1
            _chair(add_solid, back, 0.0, 1.0, CHAIR_BACK)
        else:
            hand = _lowest(scene, at)
            # Held for balance: the top of the chair's back under the hand, its seat ahead.
            _chair(add_solid, hand[0] - 1.5, hand[2] - SEAT_WIDTH / 2 + 8, 1.0, min(max(hand[1], 72), 100))
        return
    if kind in ("wall", "doorway"):
        group = scene.group(at)
        centre = _centre_x(scene)
        mean = sum(s.point[0] for s in group) / len(group)
        if mean >= centre:
            x = max(s.point[0] + s.reach((1.0, 0.0, 0.0)) for s in group)
            xs = (x, x + WALL_THICKNESS)
        else:
            x = min(s.point[0] - s.reach((-1.0, 0.0, 0.0)) for s in group)
            xs = (x - WALL_THICKNESS, x)
        if kind == "wall":
            add_solid(box("wall", "wall", xs, (0, 250), (-90, 90), layer="background"))
        else:
            # Seen from the side the doorway is the wall's edge: the leg on the floor passes
            # through the opening on the far side.
            z_edge = _point(scene, at)[2] - 8
            # The wall is nearer the side camera than the leg through the door: drawn over it.
            add_solid(box("doorway", "wall", xs, (0, 250), (z_edge, z_edge + 90), layer="front"))
            add_solid(box("doorway", "frame", xs, (0, 250), (z_edge - 5, z_edge), layer="front"))
        return
    if kind == "dumbbell":
        c = _on_top(scene, at, 5.5)
        add_solid(
            Solid("dumbbell", "bar", "rod", add(c, (0, 0, -17)), add(c, (0, 0, 17)), 1.8, layer="over", solid=False)
        )
        for z in (-13.0, 13.0):
            add_solid(
                Solid(
                    "dumbbell",
                    "plate",
                    "rod",
                    add(c, (0, 0, z - 2)),
                    add(c, (0, 0, z + 2)),
                    7.5,
                    layer="over",
                    solid=False,
                )
            )
        return
    if kind == "towel":
        if "from" in prop:
            scene.straps.append(Strap("towel", _point(scene, prop["from"]), _anchor(scene, prop["to"])))
            return
        c = _on_top(scene, at, 0.0)
        add_solid(
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
        return
    if kind == "band":
        a = _point(scene, prop.get("from") or "hand_near")
        b = _anchor(scene, prop.get("to") or "front")
        scene.straps.append(Strap("band", a, b))
        if prop.get("to") in (None, "front", "behind"):
            add_solid(box("band", "anchor", (b[0] - 3, b[0] + 3), (0, b[1] + 10), (b[2] - 3, b[2] + 3), solid=False))
        return
    if kind == "ankle-weight":
        side = "far" if (at or "").endswith("far") else "near"
        p = scene.body.points
        knee, ankle = p[f"knee_{side}"], p[f"ankle_{side}"]
        shin = unit(sub(knee, ankle))
        add_solid(
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
        return
    if kind in ("leg-extension-machine", "leg-curl-machine"):
        _machine(scene, kind, carrying_group or "pelvis")
        return
    raise ValueError(kind)  # validation keeps unknown kinds out


def _bench_against(scene: Scene, at: str) -> None:
    """A bench the body leans on with the given part: its top edge just touches that part."""
    group = scene.group(at)
    d = 1.0 if sum(s.point[0] for s in group) / len(group) < _centre_x(scene) else -1.0
    z0, z1 = -BENCH_LENGTH / 2, BENCH_LENGTH / 2

    def bench(face: float) -> Solid:
        return box("bench", "top", (face, face - BENCH_WIDTH * d), (0, BENCH_HEIGHT), (z0, z1))

    def clearance(face: float) -> float:
        solid = bench(face)
        return min(solid.clearance(s) for s in scene.samples)

    # Slide the bench in from afar (on the part's side) until it touches the body.
    far, near = _point(scene, at)[0] - 150 * d, _point(scene, at)[0] + 60 * d
    for _ in range(40):
        middle = (far + near) / 2
        if clearance(middle) > 0:
            far = middle
        else:
            near = middle
    x = far
    add_solid = scene.solids.append
    add_solid(box("bench", "top", (x, x - BENCH_WIDTH * d), (BENCH_HEIGHT - 6, BENCH_HEIGHT), (z0, z1)))
    add_solid(box("bench", "side", (x - 2 * d, x - (BENCH_WIDTH - 2) * d), (0, BENCH_HEIGHT - 6), (z0 + 6, z1 - 6)))


def _on_top(scene: Scene, at: str, lift: float) -> Vec:
    """A point resting on top of a body part (a weight across the hips)."""
    group = scene.group(at)
    top = max(s.point[1] + s.reach((0.0, 1.0, 0.0)) for s in group)
    x = sum(s.point[0] for s in group) / len(group)
    z = sum(s.point[2] for s in group) / len(group)
    return (x, top + lift, z)


def _anchor(scene: Scene, to: str) -> Vec:
    if to in ("front", "behind", "above"):
        x0, x1 = _extent(scene, 0)
        y0, y1 = _extent(scene, 1)
        if to == "above":
            return ((x0 + x1) / 2, y1 + 25, 0.0)
        hand = scene.body.points["hand_near"]
        return (x1 + 35 if to == "front" else x0 - 35, hand[1], hand[2])
    return _point(scene, to)


def _chair(add_solid, back_x: float, z_centre: float, facing: float, back_top: float) -> None:
    x0, x1 = back_x, back_x + SEAT_DEPTH * facing
    z0, z1 = z_centre - SEAT_WIDTH / 2, z_centre + SEAT_WIDTH / 2
    add_solid(box("chair", "seat", (x0, x1), (SEAT_HEIGHT - 4, SEAT_HEIGHT), (z0, z1)))
    add_solid(box("chair", "back", (x0 - 3 * facing, x0), (SEAT_HEIGHT, back_top), (z0, z1)))
    for x in (x0, x1 - 3 * facing):
        for z in (z0, z1 - 3):
            add_solid(box("chair", "leg", (x, x + 3 * facing), (0, SEAT_HEIGHT - 4), (z, z + 3)))


def _machine(scene: Scene, kind: str, seat_group: str) -> None:
    """A seated leg machine: seat, back pad, frame, and a lever pad on the lower legs."""
    add_solid = scene.solids.append
    back = min(s.point[0] - s.reach((-1.0, 0.0, 0.0)) for s in scene.group(seat_group)) - 1
    p = scene.body.points
    knee = p["knee_near"]
    seat_front = knee[0] - 4
    top = MACHINE_SEAT
    add_solid(box(kind, "seat", (back, seat_front), (top - 8, top), (-22, 22)))
    add_solid(box(kind, "back", (back - 9, back), (top, top + 62), (-22, 22)))
    add_solid(box(kind, "frame", (back - 5, seat_front - 10), (0, top - 8), (-6, 6)))
    # Pad across both lower legs just above the ankles: in front of the shins on the
    # extension machine, behind them on the curl machine; the lever swings from the knee.
    ankle = p["ankle_near"]
    shin = unit(sub(ankle, knee))
    front = cross((0.0, 0.0, 1.0), shin)  # the front of the shin, in the side view's plane
    sign = 1.0 if kind == "leg-extension-machine" else -1.0
    pad = add(add(knee, shin, SHIN_PAD_AT), front, sign * (RADIUS["shin"] + 6.0))
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
    if kind == "leg-curl-machine":
        # The thigh pad holds the thighs down on the seat.
        hip = p["hip_near"]
        thigh_top = max(s.point[1] + s.reach((0.0, 1.0, 0.0)) for s in scene.group("thighs"))
        x = (hip[0] + knee[0]) / 2 + 8
        add_solid(
            Solid(kind, "thigh-pad", "rod", (x, thigh_top + 6, -24.0), (x, thigh_top + 6, 18.0), 6.0, layer="over")
        )


SHIN_PAD_AT = 34.0  # cm down the shin from the knee
