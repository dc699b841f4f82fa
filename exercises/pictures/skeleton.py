"""The 3D pose model: a skeleton placed by forward kinematics and settled on floor and props.

Pure Python, no Django. ``exercises.pictures.poses`` validates the JSON a picture stores and calls
:func:`build_scene`; ``exercises.pictures.camera`` draws the scene and ``exercises.pictures.constraints``
checks it against the facts of the exercise's steps.

Frames
------
Body frame: x to the front of the body, y to the head, z to the *near* side (the side the
side camera sees). The hip joints' midpoint is the origin.

World frame: y up, the floor at y = 0 (the mat's top at ``MAT_THICKNESS``), the side camera
looking from +z, so +x is to the right in the side view. A standing person faces +x, a
supine one has the head at -x, a prone or four-point kneeling one at +x, and a side-lying
one lies on the far side with the head at +x, the near side up and the front towards +z.

All lengths are centimetres for a 170 cm adult, and props have their real sizes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

Vec = tuple[float, float, float]
Mat = tuple[Vec, Vec, Vec]  # rows


class PoseError(ValueError):
    """An invalid pose; the message names the offending field."""


SIDES = ("near", "far")
# Directions a motion arrow may point, in the pose's own frame (x forward, y up).
ARROW_DIRECTIONS = {
    "up": (0.0, 1.0, 0.0),
    "down": (0.0, -1.0, 0.0),
    "forward": (1.0, 0.0, 0.0),
    "back": (-1.0, 0.0, 0.0),
    "up-forward": (0.7071, 0.7071, 0.0),
    "up-back": (-0.7071, 0.7071, 0.0),
    "down-forward": (0.7071, -0.7071, 0.0),
    "down-back": (-0.7071, -0.7071, 0.0),
    "clockwise": None,  # curved, as seen in the unmirrored picture
    "anticlockwise": None,
}
POINTS = (
    "head",
    "nose",
    "chin",
    "chest",
    "pelvis",
    "hips",
    "shoulders",
    "knees",
    "feet",
    "hands",
    "lower_back",
    "upper_back",
    "mid_back",
    "spine_mid",
    "trunk_mid",
    "belly",
) + tuple(
    f"{joint}_{side}"
    for joint in ("shoulder", "elbow", "wrist", "hand", "hip", "knee", "ankle", "heel", "toe", "foot", "ear", "eye")
    for side in SIDES
)

SIDES = ("near", "far")

# --- Body measurements (rounded anthropometric ratios for 170 cm). ---
THIGH, SHIN, UPPER_ARM, FOREARM = 42.0, 42.0, 29.0, 24.0
TORSO = 44.5  # along the spine, from just above the hip joints to the shoulder line
PELVIS_OFFSET = 4.0
HEAD_OFFSET = 22.0  # shoulder line to the centre of the head
FOOT = 19.0
ANKLE_HEIGHT = 7.0
HIP_HALF_WIDTH, SHOULDER_HALF_WIDTH = 9.0, 17.5
HIP_BACK = 1.0
TORSO_DEPTH, TORSO_WIDTH = 10.0, 15.0  # half depth (front-back) and half width of the trunk
RADIUS = {
    "neck": 5.0,
    "head": 11.0,
    "nose": 2.3,
    "upper_arm": 4.8,
    "forearm": 4.0,
    "hand": 4.0,
    "thigh": 8.0,
    "shin": 5.3,
    "foot": 3.5,
}

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


# ---------------------------------------------------------------------------------------------
# Vector and rotation helpers
# ---------------------------------------------------------------------------------------------


def add(a: Vec, b: Vec, k: float = 1.0) -> Vec:
    return (a[0] + b[0] * k, a[1] + b[1] * k, a[2] + b[2] * k)


def sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def length(a: Vec) -> float:
    return math.sqrt(dot(a, a))


def unit(a: Vec) -> Vec:
    n = length(a)
    return (a[0] / n, a[1] / n, a[2] / n) if n > 1e-9 else (0.0, 0.0, 0.0)


def mid(a: Vec, b: Vec) -> Vec:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2)


def rot(axis: str, degrees: float) -> Mat:
    """Right-handed rotation about a coordinate axis."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    if axis == "x":
        return ((1.0, 0.0, 0.0), (0.0, c, -s), (0.0, s, c))
    if axis == "y":
        return ((c, 0.0, s), (0.0, 1.0, 0.0), (-s, 0.0, c))
    return ((c, -s, 0.0), (s, c, 0.0), (0.0, 0.0, 1.0))


def rot_about(axis: Vec, degrees: float) -> Mat:
    """Rotation about any unit axis (Rodrigues)."""
    x, y, z = unit(axis)
    a = math.radians(degrees)
    c, s, t = math.cos(a), math.sin(a), 1 - math.cos(a)
    return (
        (t * x * x + c, t * x * y - s * z, t * x * z + s * y),
        (t * x * y + s * z, t * y * y + c, t * y * z - s * x),
        (t * x * z - s * y, t * y * z + s * x, t * z * z + c),
    )


def mul(a: Mat, b: Mat) -> Mat:
    cols = list(zip(*b, strict=True))
    return tuple(tuple(dot(row, col) for col in cols) for row in a)  # type: ignore[return-value]


def apply(m: Mat, v: Vec) -> Vec:
    return (dot(m[0], v), dot(m[1], v), dot(m[2], v))


def chain(*mats: Mat) -> Mat:
    out = IDENTITY
    for m in mats:
        out = mul(out, m)
    return out


IDENTITY: Mat = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0))
DOWN: Vec = (0.0, -1.0, 0.0)
UP: Vec = (0.0, 1.0, 0.0)

# Body frame to world frame for each base position.
BASE_FRAME: dict[str, Mat] = {
    "standing": IDENTITY,
    "sitting": IDENTITY,
    "kneeling": IDENTITY,
    "supine": rot("z", 90),
    "prone": rot("z", -90),
    "quadruped": rot("z", -90),
    # columns: front -> +z (towards the side camera), head -> +x, near side -> +y (up)
    "side-lying": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (1.0, 0.0, 0.0)),
}


# ---------------------------------------------------------------------------------------------
# Skeleton (forward kinematics)
# ---------------------------------------------------------------------------------------------


@dataclass
class Part:
    """One drawn body part: a capsule between points (or a ball), with its limb and radius.

    ``section`` gives an elliptical cross-section instead of a round one: two unit axes with
    their half-widths (the trunk is wider than it is deep).
    """

    limb: str
    name: str
    points: tuple[str, ...]
    radius: float
    section: tuple[Vec, float, Vec, float] | None = None


@dataclass
class Body:
    points: dict[str, Vec]
    parts: list[Part]
    # trunk cross-section axes (lateral, anterior) at the pelvis and at the chest
    axes: dict[str, Vec] = field(default_factory=dict)

    def transformed(self, m: Mat, shift: Vec) -> Body:
        def move(p: Vec) -> Vec:
            return add(apply(m, p), shift)

        parts = []
        for part in self.parts:
            section = part.section
            if section is not None:
                section = (apply(m, section[0]), section[1], apply(m, section[2]), section[3])
            parts.append(Part(part.limb, part.name, part.points, part.radius, section))
        return Body(
            {k: move(v) for k, v in self.points.items()},
            parts,
            {k: apply(m, v) for k, v in self.axes.items()},
        )


def _bezier(p0: Vec, p1: Vec, p2: Vec, t: float) -> Vec:
    a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
    return (a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1], a * p0[2] + b * p1[2] + c * p2[2])


def skeleton(j: dict[str, float]) -> Body:
    """Joint positions in the body frame for the joint angles ``j`` (degrees)."""
    p: dict[str, Vec] = {"pelvis": (0.0, 0.0, 0.0)}
    # The upper body bends at the hips (trunk), sideways (trunk_tilt); the legs stay put.
    upper = chain(rot("z", -j["trunk"]), rot("x", j["trunk_tilt"]))
    half = math.radians(j["spine"]) / 2
    # The spine is an arc of fixed length whose chord keeps the trunk's line, so a cat or
    # camel curve leaves the hands and knees where they were.
    chord = TORSO * (math.sin(half) / half if half else 1.0)
    base0 = (0.0, PELVIS_OFFSET, 0.0)
    ctrl = (-(chord / 2) * math.tan(half), PELVIS_OFFSET + chord / 2, 0.0)
    top = (0.0, PELVIS_OFFSET + chord, 0.0)
    p["torso0"], p["torso_ctrl"], p["chest"] = (apply(upper, v) for v in (base0, ctrl, top))
    p["lower_back"] = apply(upper, add(_bezier(base0, ctrl, top, 0.3), (-TORSO_DEPTH, 0, 0)))
    p["upper_back"] = apply(upper, add(_bezier(base0, ctrl, top, 0.75), (-TORSO_DEPTH, 0, 0)))
    p["trunk_mid"] = apply(upper, mid(base0, top))
    p["spine_mid"] = apply(upper, _bezier(base0, ctrl, top, 0.5))
    p["mid_back"] = apply(upper, add(_bezier(base0, ctrl, top, 0.5), (-TORSO_DEPTH, 0, 0)))
    p["belly"] = apply(upper, add(_bezier(base0, ctrl, top, 0.3), (TORSO_DEPTH, 0, 0)))
    # Shoulder girdle: follows the top of the spine and turns on the hips (trunk_turn).
    girdle = chain(upper, rot("z", -j["spine"] / 2), rot("y", -j["trunk_turn"]))
    mid_turn = chain(upper, rot("y", -j["trunk_turn"] / 2))
    axes = {
        "lat0": apply(upper, (0.0, 0.0, 1.0)),
        "ant0": apply(upper, (1.0, 0.0, 0.0)),
        "lat1": apply(mid_turn, (0.0, 0.0, 1.0)),
        "ant1": apply(mid_turn, (1.0, 0.0, 0.0)),
    }
    head_frame = chain(girdle, rot("z", -j["neck"]), rot("x", j["neck_tilt"]), rot("y", -j["neck_turn"]))
    # neck_glide slides the head forward (+, chin poking) or back (-, chin tuck) on the neck.
    glide = apply(girdle, (j["neck_glide"], 0.0, 0.0))
    p["neck_top"] = add(add(p["chest"], apply(head_frame, (0.0, HEAD_OFFSET * 0.55, 0.0))), glide, 0.6)
    p["head"] = add(add(p["chest"], apply(head_frame, (0.0, HEAD_OFFSET, 0.0))), glide)
    p["nose"] = add(p["head"], apply(head_frame, (10.2, -1.5, 0.0)))
    p["chin"] = add(p["head"], apply(head_frame, (6.0, -8.5, 0.0)))
    p["ear_near"] = add(p["head"], apply(head_frame, (0.0, 0.0, 10.0)))
    p["ear_far"] = add(p["head"], apply(head_frame, (0.0, 0.0, -10.0)))
    for side, sign in (("near", 1.0), ("far", -1.0)):
        p[f"eye_{side}"] = add(p["head"], apply(head_frame, (8.0, 2.5, sign * 4.0)))
        # Arm: flexion about the lateral axis, abduction about the front-back axis, rotation
        # about the upper arm's own line (+ internal: a bent forearm crosses the body).
        shoulder = add(p["chest"], apply(girdle, (0.0, -1.5, sign * SHOULDER_HALF_WIDTH)))
        arm = chain(
            girdle,
            rot("z", j[f"shoulder_{side}"]),
            rot("x", -sign * j[f"shoulder_abduction_{side}"]),
            rot("y", sign * j[f"shoulder_rotation_{side}"]),
        )
        elbow = add(shoulder, apply(arm, DOWN), UPPER_ARM)
        fore = mul(arm, rot("z", j[f"elbow_{side}"]))
        wrist = add(elbow, apply(fore, DOWN), FOREARM)
        p[f"shoulder_{side}"], p[f"elbow_{side}"], p[f"wrist_{side}"] = shoulder, elbow, wrist
        p[f"hand_{side}"] = add(wrist, apply(fore, DOWN), 4.5)
        # Leg, in the base frame: the trunk moving does not move the legs.
        # The hip joints sit a little behind the trunk's centre line, so that lying on the
        # back the backs of the thighs rest on the floor with the buttocks.
        hip = (-HIP_BACK, 0.0, sign * HIP_HALF_WIDTH)
        thigh = chain(
            rot("z", j[f"hip_{side}"]),
            rot("x", -sign * j[f"hip_abduction_{side}"]),
            rot("y", sign * j[f"hip_rotation_{side}"]),
        )
        knee = add(hip, apply(thigh, DOWN), THIGH)
        shin = mul(thigh, rot("z", -j[f"knee_{side}"]))
        ankle = add(knee, apply(shin, DOWN), SHIN)
        foot_frame = mul(shin, rot("z", 90 - j[f"ankle_{side}"]))
        foot = apply(foot_frame, (1.0, 0.0, 0.0))
        # The heel is under the ankle in the foot's own frame (towards the sole).
        heel = add(add(ankle, apply(foot_frame, DOWN), ANKLE_HEIGHT - RADIUS["foot"]), foot, -3.5)
        leg = {"knee": knee, "ankle": ankle, "heel": heel, "toe": add(heel, foot, FOOT)}
        # A bent knee opening like a clam: the leg turns about the hip-ankle line, so the feet
        # stay together while the knee lifts (hip abduction with external rotation).
        opening = j[f"hip_open_{side}"]
        if opening:
            m = rot_about(sub(ankle, hip), opening)
            turned = {k: add(hip, apply(m, sub(v, hip))) for k, v in leg.items()}
            if turned["knee"][2] * sign < leg["knee"][2] * sign:
                m = rot_about(sub(ankle, hip), -opening)
                turned = {k: add(hip, apply(m, sub(v, hip))) for k, v in leg.items()}
            leg = turned
        p[f"hip_{side}"] = hip
        for name, value in leg.items():
            p[f"{name}_{side}"] = value
    # Both knees falling to one side together (+ towards near), as in a lower trunk rotation:
    # each leg turns about its hip-ankle line, so the feet stay where they are on the floor.
    if j["hip_roll"]:
        for side in SIDES:
            hip = p[f"hip_{side}"]
            names = ("knee", "ankle", "heel", "toe")
            for degrees in (j["hip_roll"], -j["hip_roll"]):
                m = rot_about(sub(p[f"ankle_{side}"], hip), degrees)
                turned = {n: add(hip, apply(m, sub(p[f"{n}_{side}"], hip))) for n in names}
                if (turned["knee"][2] - p[f"knee_{side}"][2]) * j["hip_roll"] > 0:
                    break
            for n in names:
                p[f"{n}_{side}"] = turned[n]
    for side in SIDES:
        p[f"foot_{side}"] = mid(p[f"heel_{side}"], p[f"toe_{side}"])
        p[f"shin_{side}"] = mid(p[f"knee_{side}"], p[f"ankle_{side}"])
        p[f"thigh_{side}"] = mid(p[f"hip_{side}"], p[f"knee_{side}"])
        p[f"forearm_{side}"] = mid(p[f"elbow_{side}"], p[f"wrist_{side}"])
    p["shoulders"] = mid(p["shoulder_near"], p["shoulder_far"])
    p["knees"] = mid(p["knee_near"], p["knee_far"])
    p["feet"] = mid(p["foot_near"], p["foot_far"])
    p["hands"] = mid(p["hand_near"], p["hand_far"])
    p["hips"] = mid(p["hip_near"], p["hip_far"])
    return Body(p, _parts(), axes)


def _parts() -> list[Part]:
    parts = [
        Part("trunk", "torso", ("torso0", "torso_ctrl", "chest"), TORSO_DEPTH),
        # The neck belongs to the trunk's silhouette: no seam where it meets the shoulders.
        Part("trunk", "neck", ("chest", "neck_top"), RADIUS["neck"]),
        Part("head", "head", ("head",), RADIUS["head"]),
        Part("head", "nose", ("nose",), RADIUS["nose"]),
    ]
    for side in SIDES:
        parts += [
            Part(f"leg_{side}", "thigh", (f"hip_{side}", f"knee_{side}"), RADIUS["thigh"]),
            Part(f"leg_{side}", "shin", (f"knee_{side}", f"ankle_{side}"), RADIUS["shin"]),
            Part(f"leg_{side}", "foot", (f"heel_{side}", f"toe_{side}"), RADIUS["foot"]),
            Part(f"arm_{side}", "upper_arm", (f"shoulder_{side}", f"elbow_{side}"), RADIUS["upper_arm"]),
            Part(f"arm_{side}", "forearm", (f"elbow_{side}", f"wrist_{side}"), RADIUS["forearm"]),
            Part(f"arm_{side}", "hand", (f"hand_{side}",), RADIUS["hand"]),
        ]
    return parts


# ---------------------------------------------------------------------------------------------
# Surface samples: what touches the floor and props
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A point inside the body with the body's extent around it in any direction."""

    point: Vec
    radius: float
    tags: frozenset
    section: tuple[Vec, float, Vec, float] | None = None  # elliptic trunk cross-section

    def reach(self, n: Vec) -> float:
        """How far the body surface reaches from ``point`` in the unit direction ``n``.

        The trunk is an ellipsoid: ``w`` across the body, ``d`` front to back and along the
        spine (its ends are round like the drawing's).
        """
        if self.section is None:
            return self.radius
        lat, w, _, d = self.section
        return math.sqrt(d * d + (w * w - d * d) * dot(n, lat) ** 2)


GROUPS = (
    "lowest",
    "head",
    "face",
    "shoulders",
    "upper_back",
    "lower_back",
    "back",
    "belly",
    "pelvis",
    "buttocks",
    "hands",
    "hand_near",
    "hand_far",
    "forearms",
    "forearm_near",
    "forearm_far",
    "elbows",
    "knees",
    "knee_near",
    "knee_far",
    "shins",
    "shin_near",
    "shin_far",
    "thighs",
    "thigh_near",
    "thigh_far",
    "feet",
    "foot_near",
    "foot_far",
    "heels",
    "heel_near",
    "heel_far",
    "toes",
    "toe_near",
    "toe_far",
)


def samples(body: Body) -> list[Sample]:
    p, ax = body.points, body.axes
    out: list[Sample] = []
    for i in range(9):
        t = i / 8
        c = _bezier(p["torso0"], p["torso_ctrl"], p["chest"], t)
        lat = ax["lat0"] if t < 0.5 else ax["lat1"]
        ant = ax["ant0"] if t < 0.5 else ax["ant1"]
        tags = {"back"}
        if t <= 0.25:
            tags |= {"pelvis", "buttocks"}
        if 0.15 <= t <= 0.5:
            tags |= {"lower_back", "belly"}
        if t >= 0.6:
            tags |= {"shoulders", "upper_back"}
        out.append(Sample(c, TORSO_DEPTH, frozenset(tags), (lat, TORSO_WIDTH, ant, TORSO_DEPTH)))
    out.append(Sample(p["head"], RADIUS["head"], frozenset({"head", "face"})))
    out.append(Sample(p["nose"], RADIUS["nose"], frozenset({"head", "face"})))
    out.append(Sample(p["neck_top"], RADIUS["neck"], frozenset()))
    for s in SIDES:
        rows = [
            (p[f"hip_{s}"], RADIUS["thigh"], {"pelvis", "buttocks", "thighs", f"thigh_{s}"}),
            (p[f"thigh_{s}"], RADIUS["thigh"], {"thighs", f"thigh_{s}"}),
            (p[f"knee_{s}"], RADIUS["thigh"] - 1.5, {"knees", f"knee_{s}"}),
            (p[f"shin_{s}"], RADIUS["shin"], {"shins", f"shin_{s}"}),
            (p[f"ankle_{s}"], RADIUS["shin"] - 0.5, {"shins", f"shin_{s}"}),
            (p[f"heel_{s}"], RADIUS["foot"], {"feet", f"foot_{s}", "heels", f"heel_{s}"}),
            (p[f"foot_{s}"], RADIUS["foot"], {"feet", f"foot_{s}"}),
            (p[f"toe_{s}"], RADIUS["foot"], {"feet", f"foot_{s}", "toes", f"toe_{s}"}),
            (p[f"shoulder_{s}"], RADIUS["upper_arm"], {"shoulders"}),
            (mid(p[f"shoulder_{s}"], p[f"elbow_{s}"]), RADIUS["upper_arm"], set()),
            (p[f"elbow_{s}"], RADIUS["forearm"], {"elbows", "forearms", f"forearm_{s}"}),
            (p[f"forearm_{s}"], RADIUS["forearm"], {"forearms", f"forearm_{s}"}),
            (p[f"wrist_{s}"], RADIUS["forearm"], {"forearms", f"forearm_{s}"}),
            (p[f"hand_{s}"], RADIUS["hand"], {"hands", f"hand_{s}"}),
        ]
        # Kneeling rests on the front of the shin just below the knee too.
        rows.append(
            (add(p[f"knee_{s}"], sub(p[f"ankle_{s}"], p[f"knee_{s}"]), 0.2), RADIUS["shin"], {"knees", f"knee_{s}"})
        )
        for point, radius, tags in rows:
            out.append(Sample(point, radius, frozenset(tags)))
    return [Sample(s.point, s.radius, s.tags | {"lowest"}, s.section) for s in out]


def bottom(body_samples: list[Sample], group: str) -> float:
    """Lowest height the group's surface reaches."""
    values = [s.point[1] - s.reach(DOWN) for s in body_samples if group in s.tags]
    if not values:
        raise KeyError(group)
    return min(values)


def bottom_x(body_samples: list[Sample], group: str) -> Vec:
    """The group's lowest point (on its surface)."""
    best = min((s for s in body_samples if group in s.tags), key=lambda s: s.point[1] - s.reach(DOWN))
    return (best.point[0], best.point[1] - best.reach(DOWN), best.point[2])


# ---------------------------------------------------------------------------------------------
# Settling on the supports
# ---------------------------------------------------------------------------------------------


def _pitched(body_samples: list[Sample], degrees: float) -> list[Sample]:
    m = rot("z", degrees)
    out = []
    for s in body_samples:
        section = s.section
        if section is not None:
            section = (apply(m, section[0]), section[1], apply(m, section[2]), section[3])
        out.append(Sample(apply(m, s.point), s.radius, s.tags, section))
    return out


def settle(body: Body, targets: list[tuple[str, float]], floor: float) -> tuple[Mat, Vec]:
    """The rigid pitch and lift that put the contact groups on their surfaces.

    One contact: lift only. Two: the whole body tips about the side camera's axis until both
    touch (hands and knees on all fours, shoulders and feet in a bridge). Then nothing may be
    below the floor: if another part is lower than the contact, it rests on the floor instead.
    """
    base = samples(body)
    turn = 0.0
    if len(targets) >= 2:
        (g1, h1), (g2, h2) = targets[:2]
        # Only heights matter while searching, so each group is kept as plain numbers:
        # (x, y, radius, lateral x, lateral y, w^2 - d^2 or None).
        rows = {
            g: [
                (
                    s.point[0],
                    s.point[1],
                    s.radius,
                    *(s.section[0][:2] if s.section else (0.0, 0.0)),
                    (s.section[1] ** 2 - s.section[3] ** 2) if s.section else None,
                )
                for s in base
                if g in s.tags
            ]
            for g in (g1, g2, "lowest")
        }

        def low(g: str, t: float) -> float:
            c, sn = math.cos(math.radians(t)), math.sin(math.radians(t))
            best = math.inf
            for x, y, r, lx, ly, extra in rows[g]:
                if extra is not None:
                    # the down direction in the body's own frame is (-sin, -cos, 0)
                    r = math.sqrt(r * r + extra * (-sn * lx - c * ly) ** 2)
                best = min(best, sn * x + c * y - r)
            return best

        def gap(t: float) -> float:
            return (low(g1, t) - h1) - (low(g2, t) - h2)

        turns = [t / 2 for t in range(-200, 201)]
        gaps = [gap(t) for t in turns]
        brackets = [(a, b) for a, b, ga, gb in zip(turns, turns[1:], gaps, gaps[1:], strict=False) if ga * gb <= 0]
        if brackets:
            roots = []
            for lo, hi in brackets:
                glo = gap(lo)
                for _ in range(30):
                    m = (lo + hi) / 2
                    gm = gap(m)
                    if glo * gm <= 0:
                        hi = m
                    else:
                        lo, glo = m, gm
                t = (lo + hi) / 2
                # How far other parts would sink below the contacts' surfaces.
                sink = max(0.0, (low(g1, t) - h1) - (low("lowest", t) - min(h1, h2, floor)))
                roots.append((round(sink, 1), abs(t), t))
            turn = min(roots)[2]
        else:
            turn = min(zip(turns, gaps, strict=True), key=lambda tg: (abs(tg[1]), abs(tg[0])))[0]
    ss = _pitched(base, turn) if turn else base
    group, height = targets[0]
    lift = height - bottom(ss, group)
    lift += max(0.0, floor - (bottom(ss, "lowest") + lift))
    return rot("z", turn), (0.0, lift, 0.0)
