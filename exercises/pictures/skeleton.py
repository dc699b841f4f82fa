"""The 3D skeleton: bases, joints and their anatomical limits, and forward kinematics.

Pure Python, no Django. ``exercises.pictures.poses`` validates the JSON a picture stores and
:func:`exercises.pictures.scene.build_scene` settles the body on floor and props
(``exercises.pictures.contacts``); ``exercises.pictures.camera`` names the views it is seen
from and ``exercises.pictures.constraints`` checks it against the facts of the steps.

Frames
------
Body frame: x to the front of the body, y to the head, z to the *near* side (the side the
side camera sees). The hip joints' midpoint is the origin.

World frame: y up, the floor at y = 0 (a mat's top at its thickness), the side camera
looking from +z, so +x is to the right in the side view. A standing person faces +x, a
supine one has the head at -x, a prone or four-point kneeling one at +x, and a side-lying
one lies on the far side with the head at +x, the near side up and the front towards +z.

All lengths are centimetres for a 170 cm adult, and props have their real sizes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from exercises.pictures.vectors import (
    DOWN,
    IDENTITY,
    Mat,
    Vec,
    add,
    apply,
    bezier,
    chain,
    cross,
    mid,
    mul,
    rot,
    rot_about,
    sub,
    unit,
)


class PoseError(ValueError):
    """An invalid pose; the message names the offending field."""


BASES = ("prone", "supine", "side-lying", "quadruped", "kneeling", "sitting", "standing")
SIDES = ("near", "far")
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
# The hand's own points (drawn large in the hand frame): each fingertip, the knuckles' middle
# and the middle of the palm, on its surface.
HAND_POINTS = tuple(
    f"{point}_{side}"
    for point in ("thumb_tip", "index_tip", "middle_tip", "ring_tip", "little_tip", "knuckles", "palm")
    for side in SIDES
)
POINTS = POINTS + HAND_POINTS

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


# --- Joints (degrees) and their anatomical limits. ---
_SIDED_LIMITS = {
    "shoulder": (-60, 180),  # extension .. arm straight overhead
    "shoulder_abduction": (0, 180),
    "shoulder_rotation": (-90, 90),
    # The arm swinging across the front of the body about the body's long axis (+, as in a
    # cross-body stretch) or back out to the side (-).
    "shoulder_across": (-30, 60),
    "elbow": (0, 150),  # an elbow does not bend backwards
    "hip": (-30, 140),
    "hip_abduction": (-20, 60),
    "hip_rotation": (-45, 45),
    "hip_open": (0, 70),
    "knee": (0, 155),  # a knee never bends backwards
    "ankle": (60, 180),  # 30 degrees of dorsiflexion .. foot in line with the shin
    # The forearm and hand. forearm_turn: + palm turning down (pronation), - up (supination),
    # from the thumb-forward position of an arm hanging relaxed. wrist_bend: + the palm
    # towards the forearm (flexion), - the back of the hand towards it (extension).
    # knuckles, finger_bend, fingertip_bend: the fingers' three joints, + curling into the palm.
    # thumb_across: 0 the thumb beside the hand .. 100 its tip on the little finger's tip.
    "forearm_turn": (-90, 90),
    "wrist_bend": (-70, 80),
    "knuckles": (0, 90),
    "finger_bend": (0, 110),
    "fingertip_bend": (0, 80),
    "thumb_across": (0, 100),
}
JOINT_LIMITS: dict[str, tuple[float, float]] = {
    "trunk": (-60, 120),
    "trunk_tilt": (-40, 40),
    "trunk_turn": (-60, 60),
    "spine": (-30, 45),
    "neck": (-60, 70),
    "neck_tilt": (-45, 45),
    "neck_turn": (-80, 80),
    "neck_glide": (-5, 8),  # centimetres, not degrees: the head sliding forward or back
    "hip_roll": (-70, 70),
    **{f"{joint}_{side}": limits for joint, limits in _SIDED_LIMITS.items() for side in SIDES},
}
# Hip flexion measured against the trunk too (knee to chest is about 140 degrees); "trunk"
# also carries the lower back's own extension, so the limit behind is generous.
HIP_FLEXION_LIMITS = (-90, 150)
JOINT_DEFAULTS: dict[str, float] = {name: 0 for name in JOINT_LIMITS} | {"ankle_near": 90, "ankle_far": 90}
# Each base starts from a comfortable resting version of itself, so a pose only lists changes.
BASE_JOINTS: dict[str, dict[str, float]] = {
    "standing": {},
    "sitting": {"hip": 90, "knee": 90},
    "kneeling": {"knee": 90, "ankle": 170},
    "quadruped": {"hip": 80, "knee": 90, "shoulder": 80, "ankle": 170},
    "supine": {},
    "prone": {"ankle": 170},
    "side-lying": {"hip": 30, "knee": 45},
}

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
    p["lower_back"] = apply(upper, add(bezier(base0, ctrl, top, 0.3), (-TORSO_DEPTH, 0, 0)))
    p["upper_back"] = apply(upper, add(bezier(base0, ctrl, top, 0.75), (-TORSO_DEPTH, 0, 0)))
    p["trunk_mid"] = apply(upper, mid(base0, top))
    p["spine_mid"] = apply(upper, bezier(base0, ctrl, top, 0.5))
    p["mid_back"] = apply(upper, add(bezier(base0, ctrl, top, 0.5), (-TORSO_DEPTH, 0, 0)))
    p["belly"] = apply(upper, add(bezier(base0, ctrl, top, 0.3), (TORSO_DEPTH, 0, 0)))
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
            rot("y", sign * j[f"shoulder_across_{side}"]),
            rot("z", j[f"shoulder_{side}"]),
            rot("x", -sign * j[f"shoulder_abduction_{side}"]),
            rot("y", sign * j[f"shoulder_rotation_{side}"]),
        )
        elbow = add(shoulder, apply(arm, DOWN), UPPER_ARM)
        fore = mul(arm, rot("z", j[f"elbow_{side}"]))
        wrist = add(elbow, apply(fore, DOWN), FOREARM)
        p[f"shoulder_{side}"], p[f"elbow_{side}"], p[f"wrist_{side}"] = shoulder, elbow, wrist
        hand_frame = _hand(p, axes, side, sign, fore, wrist, j)
        p[f"hand_{side}"] = add(wrist, apply(hand_frame, DOWN), 4.5)
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


# --- The hand (cm): palm from wrist to knuckles, the fingers' three bones, the thumb's two. ---
PALM_LENGTH, PALM_HALF_WIDTH, PALM_HALF_DEPTH = 9.5, 4.2, 1.5
FINGERS = {  # name: (offset across the palm towards the thumb, bone lengths)
    "index": (3.0, (4.2, 2.5, 2.0)),
    "middle": (1.0, (4.6, 2.9, 2.2)),
    "ring": (-1.0, (4.3, 2.7, 2.1)),
    "little": (-3.0, (3.4, 2.0, 1.9)),
}
FINGER_RADIUS, THUMB_RADIUS = 0.85, 1.05
THUMB_BONES = (4.8, 5.4)  # base to knuckle, knuckle to tip


def _hand(p: dict[str, Vec], axes: dict[str, Vec], side: str, sign: float, fore: Mat, wrist: Vec, j) -> Mat:
    """Lay out one hand from the forearm's frame; return the hand's frame (DOWN: to the fingers).

    At no forearm turn the thumb points forward (+x of the forearm's frame) and the palm
    faces the body's middle. With every hand angle at zero, the hand point is where it always
    was, so drawings without the hand frame do not change.
    """
    turned = mul(fore, rot("y", sign * j[f"forearm_turn_{side}"]))
    hand = mul(turned, rot("x", sign * j[f"wrist_bend_{side}"]))
    thumb_dir = apply(hand, (1.0, 0.0, 0.0))
    palm_dir = apply(hand, (0.0, 0.0, -sign))  # out of the palm
    along = apply(hand, DOWN)
    axes[f"palm_t_{side}"], axes[f"palm_n_{side}"], axes[f"palm_a_{side}"] = thumb_dir, palm_dir, along
    knuckle_line = add(wrist, along, PALM_LENGTH)
    p[f"knuckles_{side}"] = knuckle_line
    p[f"palm_{side}"] = add(add(wrist, along, PALM_LENGTH * 0.55), palm_dir, PALM_HALF_DEPTH)
    opposition = j[f"thumb_across_{side}"] / 100
    hinge = unit(cross(along, palm_dir))  # turning "along" about it moves it towards the palm
    for name, (offset, bones) in FINGERS.items():
        # The little finger comes to meet the thumb as it crosses the palm.
        extra = opposition * 45 if name == "little" else opposition * 12 if name == "ring" else 0.0
        bends = (j[f"knuckles_{side}"] + extra, j[f"finger_bend_{side}"] + extra, j[f"fingertip_bend_{side}"])
        point = add(knuckle_line, thumb_dir, offset)
        direction = along
        chain_points = [point]
        for bend, bone in zip(bends, bones, strict=True):
            # Curling turns each bone about the knuckles' line, towards the palm side.
            direction = apply(rot_about(hinge, bend), direction)
            point = add(point, direction, bone)
            chain_points.append(point)
        for index, q in enumerate(chain_points):
            p[f"{name}_{index}_{side}"] = q
        p[f"{name}_tip_{side}"] = chain_points[-1]
    # The thumb: from its base at the wrist's thumb side, two bones; crossing the palm, its tip
    # travels over the palm to the little finger's tip.
    base = add(add(wrist, along, 2.0), thumb_dir, 3.0)
    rest_dir = unit(add(add(along, thumb_dir, 0.3), palm_dir, 0.12))
    rest_tip = add(base, rest_dir, sum(THUMB_BONES))
    target = add(p[f"little_tip_{side}"], palm_dir, 1.6)
    tip = add(
        add(mul_vec(rest_tip, 1 - opposition), target, opposition), palm_dir, 3.0 * math.sin(math.pi * opposition)
    )
    p[f"thumb_0_{side}"] = base
    p[f"thumb_1_{side}"] = _knee_of(base, tip, THUMB_BONES, add(palm_dir, thumb_dir))
    p[f"thumb_tip_{side}"] = p[f"thumb_2_{side}"] = tip
    return hand


def mul_vec(v: Vec, k: float) -> Vec:
    return (v[0] * k, v[1] * k, v[2] * k)


def _knee_of(a: Vec, b: Vec, bones: tuple[float, float], pole: Vec) -> Vec:
    """The middle joint of a two-bone chain from ``a`` to ``b``, bent towards ``pole``."""
    d = sub(b, a)
    n = math.sqrt(sum(x * x for x in d)) or 1e-9
    l1, l2 = bones
    n = min(n, l1 + l2 - 1e-6)
    along_d = (l1 * l1 - l2 * l2 + n * n) / (2 * n)
    height = math.sqrt(max(l1 * l1 - along_d * along_d, 0.0))
    u = unit(d)
    side = sub(pole, mul_vec(u, sum(x * y for x, y in zip(pole, u, strict=True))))
    return add(add(a, u, along_d), unit(side), height)


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
