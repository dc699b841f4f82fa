"""Exercise pictures drawn from a small pose description (standard library only).

A pose is a JSON-able dict. Only ``base`` is required; everything else has a default::

    {"base": "prone", "prop": "mat",
     "joints": {"hip_far": -20},
     "moving": ["leg_far"],
     "arrow": {"limb": "leg_far", "direction": "up"}}

Fields
------
base      prone | supine | side-lying | quadruped | kneeling | sitting | standing
prop      none | mat | chair | wall | ball | step | band | bench          (default "none")
joints    angles in degrees, see ``JOINT_LIMITS`` and ``JOINT_DEFAULTS``. Sided joints end in
          ``_near`` (the side facing the viewer, drawn in front) or ``_far`` (drawn lighter,
          behind). A name without the side ("hip": 90) sets both sides; a sided name wins.
moving    limbs to emphasise, from ``LIMBS``                               (default [])
arrow     {"limb": <LIMBS>, "direction": <ARROW_DIRECTIONS> (up, down, forward, back, the
           four diagonals such as "up-forward", or a curved "clockwise"/"anticlockwise"),
           "at": <POINTS> (optional), "offset": [dx, dy] (optional, cm)}     (default none)
contacts  {<CONTACT_GROUPS>: "floor" | "prop"}, one or two entries: the body parts that
          rest on the floor (the mat's top if there is a mat) or on the prop's top. With two
          entries the whole figure is tilted so that both touch (hands and knees in four-point
          kneeling, shoulders and feet in a bridge). Nothing ever goes through the floor.
          (default: feet on the floor standing, pelvis on the seat sitting, hands and knees on
          all fours, knees kneeling, the lowest point lying down)
prop_at   where a prop that carries no weight goes: a contact group ("hand_near": the chair
          back under that hand, "back": the wall behind the back) or "front" / "behind".
band      {"from": <POINTS>, "to": <POINTS> | "front" | "behind" | "above"}   (band/towel)

Angle conventions (side view; a standing figure faces right, i.e. "forward" is +x)
---------------------------------------------------------------------------------
trunk     inclination of the trunk from the base's resting line, bending at the hips; the
          legs stay where they are. + is flexion: standing/sitting/kneeling lean forward,
          supine curls up; - leans back, or lifts the chest of a prone figure (press-up).
          Side-lying: + bends sideways, lifting the head end.
spine     curve of the back, + rounded (cat), - hollow (camel); the ends keep the trunk line.
neck      + chin towards chest, - looking up.        shoulder   + arm forward/up, - behind.
elbow     + bent.     hip   + thigh forward, - behind.     knee   + bent (never backwards).
          Hips are measured from the base's resting trunk line (so leaning forward does not
          move the legs; the true hip angle is hip - trunk), shoulders from the trunk itself.
shoulder_rotation   + internal: with the elbow bent the forearm crosses in front of the body.
ankle     angle between shin and foot: 90 neutral, more = toes pointed, less = toes pulled up.
*_abduction   sideways lift of the whole limb; visible in side-lying (top leg lifts, or, with
          the knee bent, the knee opens like a clam) where the view is from above the front,
          and in the front view.
neck_tilt, neck_turn, trunk_turn, hip_roll   the sideways and twisting movements; best seen
          with ``"view": "front"`` (upright bases only), hinted at in the side view.

view      "side" (default) or "front" (standing, sitting, kneeling: a person facing us).

Unmirrored, a standing figure faces right, a supine one has its head on the left and a prone,
four-point kneeling or side-lying one has its head on the right. ``mirror=True`` flips that.

Lengths are in centimetres for a 170 cm adult so that props have real sizes; the drawing is
scaled to the frame with the same scale for every picture that fits, so the person has the
same size on every page.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

__all__ = [
    "ARROW_DIRECTIONS",
    "BASES",
    "CONTACT_GROUPS",
    "JOINT_DEFAULTS",
    "JOINT_LIMITS",
    "LIMBS",
    "POINTS",
    "PROPS",
    "PoseError",
    "contact_sheet_html",
    "render_pose_svg",
    "validate_pose",
]


class PoseError(ValueError):
    """An invalid pose; the message names the offending field."""


BASES = ("prone", "supine", "side-lying", "quadruped", "kneeling", "sitting", "standing")
PROPS = ("none", "mat", "chair", "wall", "ball", "step", "band", "bench")
LIMBS = ("head", "trunk", "arm_near", "arm_far", "leg_near", "leg_far")
SIDES = ("near", "far")
ARROW_DIRECTIONS = {
    "up": (0.0, 1.0),
    "down": (0.0, -1.0),
    "forward": (1.0, 0.0),
    "back": (-1.0, 0.0),
    "up-forward": (0.7071, 0.7071),
    "up-back": (-0.7071, 0.7071),
    "down-forward": (0.7071, -0.7071),
    "down-back": (-0.7071, -0.7071),
    "clockwise": None,  # curved arrows round the "at" point, as seen in the unmirrored picture
    "anticlockwise": None,
}
POINTS = ("head", "chest", "pelvis") + tuple(
    f"{joint}_{side}" for joint in ("shoulder", "elbow", "hand", "hip", "knee", "foot") for side in SIDES
)
CONTACT_GROUPS = (
    "lowest",
    "head",
    "shoulders",
    "back",
    "pelvis",
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
    "feet",
    "foot_near",
    "foot_far",
)

# Anatomical ranges in degrees (see the module docstring for the sign of each angle).
_SIDED_LIMITS = {
    "shoulder": (-60, 180),  # 60 deg extension .. arm straight overhead
    "shoulder_abduction": (0, 180),
    "shoulder_rotation": (-90, 90),  # + internal: a bent forearm swings across the body
    "elbow": (0, 160),  # an elbow does not bend backwards
    "hip": (-30, 140),  # 30 deg extension .. knee to chest
    "hip_abduction": (0, 60),
    "knee": (0, 160),  # a knee never bends backwards
    "ankle": (60, 180),  # 30 deg dorsiflexion .. foot in line with the shin (kneeling)
}
JOINT_LIMITS: dict[str, tuple[float, float]] = {
    "neck": (-60, 70),
    "neck_tilt": (-45, 45),  # ear towards the shoulder, + towards the near side
    "neck_turn": (-80, 80),  # looking over the shoulder, + towards the near side
    "trunk_turn": (-60, 60),  # shoulders turn on the hips, + the face towards the near side
    "hip_roll": (-70, 70),  # both legs roll about the spine (knees fall sideways), + near side
    "trunk": (-60, 120),  # not anatomical: how far the trunk is turned from the base position
    "spine": (-30, 45),
    **{f"{joint}_{side}": limits for joint, limits in _SIDED_LIMITS.items() for side in SIDES},
}
JOINT_DEFAULTS: dict[str, float] = {name: 0 for name in JOINT_LIMITS} | {
    "ankle_near": 90,
    "ankle_far": 90,
}
# Each base starts from a comfortable resting version of itself, so a pose only lists changes.
_BASE_JOINTS: dict[str, dict[str, float]] = {
    "standing": {},
    "sitting": {"hip": 90, "knee": 90},  # on a seat; on the floor the legs are straight
    "kneeling": {"knee": 90, "ankle": 175},
    # Arms are longer than thighs, so on hands and knees the trunk rises ~10 deg towards the
    # head; 80 deg at hip and shoulder keeps thighs and arms vertical once it settles.
    "quadruped": {"hip": 80, "knee": 90, "shoulder": 80, "ankle": 175},
    "supine": {},
    "prone": {"ankle": 175},
    "side-lying": {"hip": 30, "knee": 45, "shoulder_far": 160, "elbow_far": 30},
}
_SEATS = ("chair", "bench", "ball")
_UPRIGHT = ("standing", "sitting", "kneeling")
# Direction the trunk points (degrees, counter-clockwise from +x) before "trunk" is applied.
_BASE_ANGLE = {"standing": 90, "sitting": 90, "kneeling": 90, "supine": 180, "prone": 0, "quadruped": 0}

# --- Body measurements, centimetres, for a 170 cm adult (rounded anthropometric ratios). ---
THIGH, SHIN, UPPER_ARM, FOREARM = 42.0, 42.0, 29.0, 23.0
TORSO = 44.5  # along the spine, from just above the hip joints to the shoulder joints
SHOULDER_DROP = 6.0  # the round top of the trunk sits this far above the shoulder joints, less its radius
PELVIS_OFFSET = 4.0  # the trunk capsule starts this far above the hip joints
HEAD_OFFSET = 21.0  # shoulder joints to the centre of the head
FOOT = 19.0  # heel centre to toe centre
ANKLE_HEIGHT = 6.5  # ankle joint above the sole
HIP_HALF_WIDTH, SHOULDER_HALF_WIDTH = 9.0, 18.0
TORSO_FRONT_HALF_WIDTH = 15.0  # the trunk seen from the front is wider than it is deep
RADIUS = {
    "torso": 12.5,
    "neck": 5.0,
    "head": 11.0,
    "nose": 2.3,
    "upper_arm": 5.0,
    "forearm": 4.2,
    "hand": 4.0,
    "thigh": 7.5,
    "shin": 5.5,
    "foot": 3.5,
}
TORSO_SIDE_HALF_WIDTH = 16.0  # lying on the side, the trunk rests on its width, not its depth

# --- Props, centimetres. ---
MAT_THICKNESS = 4.0
# A seat at lower-leg height: the feet of a person sitting with hips and knees at 90 deg
# rest flat on the floor, whatever the proportions above.
SEAT_HEIGHT = SHIN + ANKLE_HEIGHT - (RADIUS["torso"] - PELVIS_OFFSET)
SEAT_DEPTH, CHAIR_BACK = 42.0, 88.0
BENCH_HEIGHT, STEP_HEIGHT, STEP_DEPTH = 45.0, 20.0, 36.0
BALL_RADIUS = 30.0
SIDE_LYING_ELEVATION = 40.0  # degrees the camera looks down on a side-lying figure

# --- Style. ---
INK, FAR_INK, ACCENT = "#2f3b48", "#9aa5b1", "#e8590c"
FILL, FAR_FILL, ACCENT_FILL = "#ffffff", "#eef1f4", "#ffe8d6"
PROP_INK, PROP_FILL, MAT_FILL = "#868e96", "#f1f3f5", "#dbe7f3"
FLOOR_INK, BAND_INK = "#adb5bd", "#2b8a3e"
OUTLINE, MOVING_OUTLINE = 2.2, 3.2  # cm each side of a body part


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

_POSE_KEYS = ("base", "prop", "joints", "moving", "arrow", "contacts", "prop_at", "band", "view")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _choice(value: object, options: Sequence[str], field: str) -> str:
    if not isinstance(value, str) or value not in options:
        raise PoseError(f"{field}: {value!r} is not one of {', '.join(options)}")
    return value


def _default_contacts(base: str, prop: str) -> dict[str, str]:
    if base == "standing":
        return {"feet": "prop" if prop == "step" else "floor"}
    if base == "sitting":
        return {"pelvis": "prop" if prop in _SEATS else "floor"}
    if base == "kneeling":
        return {"knees": "floor"}
    if base == "quadruped":
        return {"hands": "floor", "knees": "floor"}
    if base == "supine" and prop == "ball":
        return {"shoulders": "floor", "feet": "prop"}  # heels on the ball, as in a ball bridge
    return {"lowest": "prop" if prop == "bench" else "floor"}


def _default_prop_at(base: str, prop: str) -> str | None:
    # Only used when no contact rests on the prop: otherwise the prop goes under that contact.
    if prop in ("none", "mat", "band"):
        return None
    if prop == "wall" and base in ("standing", "sitting"):
        return "back"
    if prop == "chair" and base in ("standing", "kneeling"):
        return "hand_near"  # held for balance
    return "front"


def validate_pose(pose: dict) -> dict:
    """Return ``pose`` normalised with every default filled in; raise ``PoseError`` if invalid."""
    if not isinstance(pose, dict):
        raise PoseError("pose: expected an object")
    unknown = sorted(set(pose) - set(_POSE_KEYS))
    if unknown:
        raise PoseError(f"{unknown[0]}: unknown pose field (known: {', '.join(_POSE_KEYS)})")
    if "base" not in pose:
        raise PoseError(f"base: required, one of {', '.join(BASES)}")
    base = _choice(pose["base"], BASES, "base")
    prop = _choice(pose.get("prop", "none"), PROPS, "prop")

    given = pose.get("joints", {})
    if not isinstance(given, dict):
        raise PoseError("joints: expected an object of joint name to degrees")
    joints = dict(JOINT_DEFAULTS)
    both_sides = {}
    one_side = {}
    for name, value in given.items():
        sided = [f"{name}_{side}" for side in SIDES]
        if isinstance(name, str) and sided[0] in JOINT_LIMITS:
            both_sides.update(dict.fromkeys(sided, (name, value)))
        elif name in JOINT_LIMITS:
            one_side[name] = (name, value)
        else:
            raise PoseError(f"joints.{name}: unknown joint (known: {', '.join(JOINT_LIMITS)})")
    base_joints = dict(_BASE_JOINTS[base])
    if base == "sitting" and prop not in _SEATS:
        base_joints["knee"] = 0
    for stem, value in base_joints.items():
        targets = [f"{stem}_{side}" for side in SIDES] if stem in _SIDED_LIMITS else [stem]
        joints.update(dict.fromkeys(targets, value))
    for joint, (name, value) in (both_sides | one_side).items():
        if not _is_number(value):
            raise PoseError(f"joints.{name}: expected a number of degrees, got {value!r}")
        low, high = JOINT_LIMITS[joint]
        if not low <= value <= high:
            raise PoseError(f"joints.{name}: {value} is outside the anatomical range {low}..{high} degrees")
        joints[joint] = value

    moving = pose.get("moving", [])
    if not isinstance(moving, list):
        raise PoseError("moving: expected a list of limbs")
    moving = [_choice(limb, LIMBS, "moving") for limb in moving]

    arrow = pose.get("arrow")
    if arrow is not None:
        if not isinstance(arrow, dict):
            raise PoseError("arrow: expected an object with limb and direction")
        extra = sorted(set(arrow) - {"limb", "direction", "at", "offset"})
        if extra:
            raise PoseError(f"arrow.{extra[0]}: unknown field")
        limb = _choice(arrow.get("limb"), LIMBS, "arrow.limb")
        direction = _choice(arrow.get("direction"), tuple(ARROW_DIRECTIONS), "arrow.direction")
        at = _choice(arrow.get("at", _LIMB_END[limb]), POINTS, "arrow.at")
        offset = arrow.get("offset", [0, 0])
        if not (
            isinstance(offset, list | tuple)
            and len(offset) == 2
            and all(_is_number(v) and abs(v) <= 100 for v in offset)
        ):
            raise PoseError("arrow.offset: expected [dx, dy] in cm, each within -100..100")
        arrow = {"limb": limb, "direction": direction, "at": at, "offset": list(offset)}

    contacts = pose.get("contacts", _default_contacts(base, prop))
    if not isinstance(contacts, dict) or not 1 <= len(contacts) <= 2:
        raise PoseError('contacts: expected one or two entries, e.g. {"feet": "floor"}')
    for group, surface in contacts.items():
        _choice(group, CONTACT_GROUPS, "contacts")
        _choice(surface, ("floor", "prop"), f"contacts.{group}")
        if surface == "prop" and prop not in ("chair", "bench", "step", "ball"):
            raise PoseError(f"contacts.{group}: only a chair, bench, step or ball can carry weight")
    contacts = dict(contacts)

    prop_at = pose.get("prop_at", _default_prop_at(base, prop))
    if prop_at is not None:
        prop_at = _choice(prop_at, CONTACT_GROUPS + ("front", "behind"), "prop_at")

    band = pose.get("band", {"from": "hand_near", "to": "front"} if prop == "band" else None)
    if band is not None:
        if not isinstance(band, dict) or set(band) != {"from", "to"}:
            raise PoseError('band: expected {"from": <point>, "to": <point or anchor>}')
        band = {
            "from": _choice(band["from"], POINTS, "band.from"),
            "to": _choice(band["to"], POINTS + ("front", "behind", "above"), "band.to"),
        }

    view = _choice(pose.get("view", "side"), ("side", "front"), "view")
    if view == "front" and base not in _UPRIGHT:
        raise PoseError(f"view: the front view is for standing, sitting or kneeling, not {base}")

    return {
        "base": base,
        "prop": prop,
        "joints": joints,
        "moving": moving,
        "arrow": arrow,
        "contacts": contacts,
        "prop_at": prop_at,
        "band": band,
        "view": view,
    }


_LIMB_END = {
    "head": "head",
    "trunk": "chest",
    "arm_near": "hand_near",
    "arm_far": "hand_far",
    "leg_near": "foot_near",
    "leg_far": "foot_far",
}


# ---------------------------------------------------------------------------------------------
# Geometry: a skeleton in body coordinates, turned into the world, settled onto its support.
# Body frame: x towards the front of the body, y towards the head, z towards the near side.
# ---------------------------------------------------------------------------------------------

Vec = tuple[float, float, float]


def _add(a: Vec, b: Vec, k: float = 1.0) -> Vec:
    return (a[0] + b[0] * k, a[1] + b[1] * k, a[2] + b[2] * k)


def _rot(v: Vec, degrees: float) -> Vec:
    """Rotate counter-clockwise in the x-y plane (seen from the near side)."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return (v[0] * c - v[1] * s, v[0] * s + v[1] * c, v[2])


def _rot_axis(p: Vec, origin: Vec, axis: Vec, degrees: float) -> Vec:
    """Rotate ``p`` about the line through ``origin`` along ``axis`` (Rodrigues)."""
    n = math.sqrt(sum(c * c for c in axis))
    k = (axis[0] / n, axis[1] / n, axis[2] / n)
    v = (p[0] - origin[0], p[1] - origin[1], p[2] - origin[2])
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    cross = (k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0])
    dot = k[0] * v[0] + k[1] * v[1] + k[2] * v[2]
    return tuple(origin[i] + v[i] * c + cross[i] * s + k[i] * dot * (1 - c) for i in range(3))


def _swing(points: dict[str, Vec], names: Sequence[str], origin: Vec, axis: Vec, degrees: float, towards: Vec) -> None:
    """Turn the named points about ``axis`` so that the first one moves ``towards``.

    Choosing the sign this way keeps every sideways angle "positive = towards that side"
    without working out right-hand rules for each joint.
    """
    if not degrees:
        return
    probe = points[names[0]]
    moved = _sub(_rot_axis(probe, origin, axis, degrees), probe)
    if sum(m * t for m, t in zip(moved, towards, strict=True)) < 0:
        degrees = -degrees
    for name in names:
        points[name] = _rot_axis(points[name], origin, axis, degrees)


DOWN: Vec = (0.0, -1.0, 0.0)
UP: Vec = (0.0, 1.0, 0.0)


def _skeleton(j: dict[str, float]) -> dict[str, Vec]:
    """Joint positions in the body frame, hip joints at the origin."""
    p: dict[str, Vec] = {}
    half = math.radians(j["spine"]) / 2
    # The spine is an arc of fixed length; its chord keeps the trunk's inclination so a
    # cat/camel curve leaves hands and knees where they were.
    chord = TORSO * (math.sin(half) / half if half else 1.0)
    p["pelvis"] = (0.0, 0.0, 0.0)
    p["torso0"] = (0.0, PELVIS_OFFSET, 0.0)
    p["torso_ctrl"] = (-(chord / 2) * math.tan(half), PELVIS_OFFSET + chord / 2, 0.0)
    p["chest"] = (0.0, PELVIS_OFFSET + chord, 0.0)
    # The trunk is drawn only up to just below the shoulders so that, with its round end,
    # it stops short of the head and a bit of neck shows (the first part of the same curve).
    t = 1 - SHOULDER_DROP / TORSO
    p["torso_c2"] = _add(p["torso0"], _sub(p["torso_ctrl"], p["torso0"]), t)
    p["torso_top"] = _bezier(p["torso0"], p["torso_ctrl"], p["chest"], t)
    upper_back = _rot(UP, -j["spine"] / 2)
    neck = _rot(upper_back, -j["neck"])
    face = _rot(neck, -90)
    lateral = (0.0, 0.0, 1.0)
    p["head"] = _add(p["chest"], neck, HEAD_OFFSET)
    p["nose"] = _add(_add(p["head"], face, 10.2), neck, -1.5)
    eyes = _add(_add(p["head"], face, 6.5), neck, 2.5)
    p["eye_near"], p["eye_far"] = _add(eyes, lateral, 4.2), _add(eyes, lateral, -4.2)
    face_parts = ["nose", "eye_near", "eye_far"]
    _swing(p, face_parts, p["head"], neck, j["neck_turn"], lateral)
    _swing(p, ["head"] + face_parts, p["chest"], face, j["neck_tilt"], lateral)
    for side, sign in (("near", 1.0), ("far", -1.0)):
        hip = (0.0, 0.0, sign * HIP_HALF_WIDTH)
        p[f"hip_{side}"] = hip
        thigh = _rot(DOWN, j[f"hip_{side}"])
        knee = _add(hip, thigh, THIGH)
        shin = _rot(thigh, -j[f"knee_{side}"])
        ankle = _add(knee, shin, SHIN)
        foot = _rot(shin, 180 - j[f"ankle_{side}"])
        heel = _add(_add(ankle, shin, ANKLE_HEIGHT - RADIUS["foot"]), foot, -3.5)
        p[f"hip_{side}"], p[f"knee_{side}"], p[f"ankle_{side}"] = hip, knee, ankle
        p[f"heel_{side}"], p[f"toe_{side}"] = heel, _add(heel, foot, FOOT)
        # With the knee bent the leg turns about the hip-ankle line, so the feet stay together
        # and the knee opens (clam); a straight leg lifts sideways about the front-back axis.
        axis = _sub(ankle, hip) if j[f"knee_{side}"] >= 45 else (1.0, 0.0, 0.0)
        _swing(
            p,
            [f"knee_{side}", f"ankle_{side}", f"heel_{side}", f"toe_{side}"],
            hip,
            axis,
            j[f"hip_abduction_{side}"],
            (0.0, 0.0, sign),
        )

        shoulder = (0.0, p["chest"][1], sign * SHOULDER_HALF_WIDTH)
        arm = _rot(DOWN, j[f"shoulder_{side}"])
        elbow = _add(shoulder, arm, UPPER_ARM)
        forearm = _rot(arm, j[f"elbow_{side}"])
        wrist = _add(elbow, forearm, FOREARM)
        p[f"shoulder_{side}"], p[f"elbow_{side}"], p[f"wrist_{side}"] = shoulder, elbow, wrist
        p[f"hand_{side}"] = _add(wrist, forearm, 2.5)
        _swing(p, [f"wrist_{side}", f"hand_{side}"], elbow, arm, j[f"shoulder_rotation_{side}"], (0.0, 0.0, -sign))
        _swing(
            p,
            [f"elbow_{side}", f"wrist_{side}", f"hand_{side}"],
            shoulder,
            (1.0, 0.0, 0.0),
            j[f"shoulder_abduction_{side}"],
            (0.0, 0.0, sign),
        )
    # Twists about the spine: the shoulders (with arms and head) on the hips, and the legs
    # rolling together as in a lower-trunk rotation.
    upper = face_parts + ["head"] + [f"{n}_{s}" for n in ("shoulder", "elbow", "wrist", "hand") for s in SIDES]
    _swing(p, upper, p["pelvis"], UP, j["trunk_turn"], lateral)
    legs = [f"{n}_{s}" for s in SIDES for n in ("knee", "ankle", "heel", "toe")]
    _swing(p, legs, p["pelvis"], UP, j["hip_roll"], lateral)
    for side in SIDES:
        p[f"foot_{side}"] = _mid(p[f"heel_{side}"], p[f"toe_{side}"])
    return p


def _sub(a: Vec, b: Vec) -> Vec:
    return (a[0] - b[0], a[1] - b[1], a[2] - b[2])


def _mid(a: Vec, b: Vec) -> Vec:
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2)


_UPPER_BODY = {"torso0", "torso_ctrl", "torso_c2", "torso_top", "chest", "head", "nose", "eye_near", "eye_far"} | {
    f"{joint}_{side}" for joint in ("shoulder", "elbow", "wrist", "hand") for side in SIDES
}


def _to_world(points: dict[str, Vec], base: str, trunk: float) -> dict[str, Vec]:
    """Bend the trunk at the hips, then place the body in the world: x right, y up, z at us."""
    hips = (0.0, 0.0, 0.0)
    if base == "side-lying":
        # A sideways bend lifts the head end; then lie on the far side: the head points
        # right, the near side up and the front towards the viewer.
        bent = {k: _rot_axis(v, hips, (1.0, 0.0, 0.0), trunk) if k in _UPPER_BODY else v for k, v in points.items()}
        return {k: (y, z, x) for k, (x, y, z) in bent.items()}
    turn = _BASE_ANGLE[base] - 90
    return {k: _rot(_rot(v, -trunk) if k in _UPPER_BODY else v, turn) for k, v in points.items()}


# Body parts: (limb, name, kind, point names, radius key). Drawn in list order within a limb.
_PARTS = [
    ("trunk", "torso", "curve", ("torso0", "torso_c2", "torso_top"), "torso"),
    ("trunk", "neck", "line", ("chest", "head"), "neck"),
    ("head", "nose", "dot", ("nose",), "nose"),
    ("head", "head", "dot", ("head",), "head"),
] + [
    part
    for side in SIDES
    for part in (
        (f"leg_{side}", "thigh", "line", (f"hip_{side}", f"knee_{side}"), "thigh"),
        (f"leg_{side}", "shin", "line", (f"knee_{side}", f"ankle_{side}"), "shin"),
        (f"leg_{side}", "foot", "line", (f"heel_{side}", f"toe_{side}"), "foot"),
        (f"arm_{side}", "upper_arm", "line", (f"shoulder_{side}", f"elbow_{side}"), "upper_arm"),
        (f"arm_{side}", "forearm", "line", (f"elbow_{side}", f"wrist_{side}"), "forearm"),
        (f"arm_{side}", "hand", "dot", (f"hand_{side}",), "hand"),
    )
]


def _bezier(p0: Vec, p1: Vec, p2: Vec, t: float) -> Vec:
    a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
    return tuple(a * p0[i] + b * p1[i] + c * p2[i] for i in range(3))


def _samples(points: dict[str, Vec], side_lying: bool) -> list[tuple[Vec, float, frozenset]]:
    """Points on the body surface's centre line with their radius and contact groups."""
    out = []
    torso_r = TORSO_SIDE_HALF_WIDTH if side_lying else RADIUS["torso"]
    for i in range(9):
        t = i / 8
        tags = {"back"} | ({"pelvis"} if t <= 0.25 else set()) | ({"shoulders"} if t >= 0.6 else set())
        out.append((_bezier(points["torso0"], points["torso_c2"], points["torso_top"], t), torso_r, frozenset(tags)))
    out.append((points["head"], RADIUS["head"], frozenset({"head"})))
    for s in SIDES:
        rows = [
            ("hip", RADIUS["thigh"], {"pelvis"}),
            ("knee", RADIUS["thigh"] - 1, {"knees", f"knee_{s}"}),
            ("ankle", RADIUS["shin"], {"knees", f"knee_{s}"}),  # kneeling rests on the shin
            ("heel", RADIUS["foot"], {"feet", f"foot_{s}"}),
            ("toe", RADIUS["foot"], {"feet", f"foot_{s}"}),
            ("shoulder", RADIUS["upper_arm"], set()),
            ("elbow", RADIUS["upper_arm"], {"elbows", "forearms", f"forearm_{s}"}),
            ("wrist", RADIUS["forearm"], {"forearms", f"forearm_{s}"}),
            ("hand", RADIUS["hand"], {"hands", f"hand_{s}", "forearms", f"forearm_{s}"}),
        ]
        for joint, radius, tags in rows:
            out.append((points[f"{joint}_{s}"], radius, frozenset(tags)))
        # Midpoints so that a thigh or forearm lying across a surface counts along its length.
        shin_mid = _mid(points[f"knee_{s}"], points[f"ankle_{s}"])
        out.append((shin_mid, RADIUS["shin"], frozenset({"knees", f"knee_{s}"})))
        out.append((_mid(points[f"hip_{s}"], points[f"knee_{s}"]), RADIUS["thigh"], frozenset()))
    return [(p, r, tags | {"lowest"}) for p, r, tags in out]


def _bottom(samples, group: str, turn: float = 0.0) -> tuple[float, float]:
    """Lowest surface height of a contact group (after turning by ``turn``) and its x."""
    best = (math.inf, 0.0)
    for p, r, tags in samples:
        if group in tags:
            q = _rot(p, turn) if turn else p
            best = min(best, (q[1] - r, q[0]))
    return best


def _settle_turn(samples, contacts: list[tuple[str, float]]) -> float:
    """The tilt (degrees) that lets two contact groups touch their surfaces together."""
    if len(contacts) < 2:
        return 0.0
    (g1, h1), (g2, h2) = contacts

    def gap(turn: float) -> float:
        return (_bottom(samples, g1, turn)[0] - h1) - (_bottom(samples, g2, turn)[0] - h2)

    turns = [t / 2 for t in range(-120, 121)]
    gaps = [gap(t) for t in turns]
    steps = zip(turns, turns[1:], gaps, gaps[1:], strict=False)
    brackets = [(a, b) for a, b, ga, gb in steps if ga * gb <= 0]
    if not brackets:
        return min(zip(turns, gaps, strict=True), key=lambda tg: (abs(tg[1]), abs(tg[0])))[0]
    lo, hi = min(brackets, key=lambda ab: min(abs(ab[0]), abs(ab[1])))
    for _ in range(40):
        mid = (lo + hi) / 2
        if gap(lo) * gap(mid) <= 0:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


# ---------------------------------------------------------------------------------------------
# Props
# ---------------------------------------------------------------------------------------------


def _group_points(samples, group: str) -> list[tuple[Vec, float]]:
    return [(p, r) for p, r, tags in samples if group in tags]


def _prop_top(prop: str) -> float:
    return {"chair": SEAT_HEIGHT, "bench": BENCH_HEIGHT, "step": STEP_HEIGHT, "ball": 2 * BALL_RADIUS}.get(prop, 0.0)


def _place_prop(pose: dict, samples, floor: float) -> dict | None:
    """Where the prop goes: a dict of its kind and world measurements."""
    prop = pose["prop"]
    if prop in ("none", "mat", "band"):
        return None
    body = [(p, r) for p, r, _ in samples]
    body_min = min(p[0] - r for p, r in body)
    body_max = max(p[0] + r for p, r in body)
    on_prop = [g for g, surface in pose["contacts"].items() if surface == "prop"]
    anchor = on_prop[0] if on_prop else pose["prop_at"]
    carrying = bool(on_prop)
    if anchor in ("front", "behind"):
        pts = None
        x = body_max + 12 if anchor == "front" else body_min - 12
        top = None
    else:
        pts = _group_points(samples, anchor)
        low = min(p[1] - r for p, r in pts)
        x = min(pts, key=lambda pr: pr[0][1] - pr[1])[0][0]
        top = None if carrying else low
    if prop == "wall":
        # The wall is on whichever side of the body the touching part is: hands in front, the
        # back behind (in a wall sit the hips are over the feet but the body's centre is not).
        centre = sum(p[0] for p, _ in body) / len(body)
        if pts is None:
            wall_x = body_max if anchor == "front" else body_min
        elif anchor in ("back", "shoulders", "pelvis", "head") and pose["base"] in _UPRIGHT:
            wall_x = min(p[0] - r for p, r in pts)  # upright figures face right: back is left
        elif sum(p[0] for p, _ in pts) / len(pts) >= centre:
            wall_x = max(p[0] + r for p, r in pts)
        else:
            wall_x = min(p[0] - r for p, r in pts)
        return {"kind": "wall", "x": wall_x, "side": 1 if wall_x >= centre else -1}
    if prop == "ball":
        if anchor == "behind":
            x -= BALL_RADIUS
        elif anchor == "front":
            x += BALL_RADIUS
        return {"kind": "ball", "cx": x, "cy": floor + BALL_RADIUS}
    if prop == "chair":
        if anchor == "front":
            back_x = x
        elif anchor == "behind":
            back_x = x - SEAT_DEPTH
        elif anchor == "pelvis" or carrying:
            back_x = min(p[0] - r for p, r in pts) - 2  # backrest just behind the buttocks
        else:
            # A hand resting on the chair back; a hand hanging at the side gets the chair
            # just in front of the trunk rather than through it.
            back_x = max(x, max(p[0] + r for p, r in _group_points(samples, "back")) + 4)
        back_top = CHAIR_BACK if top is None or anchor == "pelvis" else min(max(top, 70), 105)
        return {"kind": "chair", "x0": back_x, "x1": back_x + SEAT_DEPTH, "seat": SEAT_HEIGHT, "back": back_top}
    # step or bench: a box whose top carries the contact, or is fitted under the limb
    height = _prop_top(prop) if carrying or top is None else min(max(top, 10), 80)
    if anchor == "pelvis" and prop == "bench":
        x0, x1 = x - 50, x + 18  # sitting at the edge of a plinth
    elif anchor in ("back", "shoulders", "lowest") and prop == "bench":
        xs = [p[0] for p, _ in pts]
        x0, x1 = min(xs) - 12, max(xs) + 12
        if x1 - x0 < 60:
            x0, x1 = x - 30, x + 30
    elif anchor == "front":
        x0, x1 = x, x + STEP_DEPTH
    elif anchor == "behind":
        x0, x1 = x - STEP_DEPTH, x
    else:
        # Under a foot the step reaches forward from the lowest point, so a heel dropping in
        # a calf raise hangs over the back edge.
        x0, x1 = x - 8, x - 8 + STEP_DEPTH
    return {"kind": prop, "x0": x0, "x1": x1, "top": height}


# ---------------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------------


class _Canvas:
    """Shapes in world centimetres (y up), turned into SVG pixels at the end."""

    def __init__(self) -> None:
        self.shapes: list[tuple] = []  # (kind, coords, radius_or_width, attrs, counts_for_bbox)

    def add(self, kind: str, coords, size: float = 0.0, bbox: bool = True, **attrs) -> None:
        self.shapes.append((kind, [tuple(c) for c in coords], size, attrs, bbox))

    def bbox(self) -> tuple[float, float, float, float]:
        xs0, ys0, xs1, ys1 = [], [], [], []
        for kind, coords, size, _, counts in self.shapes:
            if not counts:
                continue
            pad = size if kind == "circle" else size / 2
            for x, y in coords:
                xs0.append(x - pad)
                xs1.append(x + pad)
                ys0.append(y - pad)
                ys1.append(y + pad)
        return min(xs0), min(ys0), max(xs1), max(ys1)


def _num(v: float) -> str:
    v = round(v, 1)
    return f"{0.0 if v == 0 else v:.1f}"


def _project(camera: str):
    """World (x right, y up, z towards the side-view camera) to the picture plane."""
    if camera == "front":
        return lambda p: (p[2], p[1])  # looking at the person's front; near side on the right
    if camera == "above":
        e = math.radians(SIDE_LYING_ELEVATION)
        ce, se = math.cos(e), math.sin(e)
        return lambda p: (p[0], p[1] * ce - p[2] * se)
    return lambda p: (p[0], p[1])


def _camera(pose: dict) -> str:
    return "front" if pose["view"] == "front" else "above" if pose["base"] == "side-lying" else "side"


def _style(limb: str, moving: Sequence[str], front: bool) -> tuple[str, str, float, str]:
    role = "far" if limb.endswith("_far") else "near" if limb.endswith("_near") else "body"
    if limb in moving:
        return ACCENT_FILL, ACCENT, MOVING_OUTLINE, f"{limb} {role} moving"
    if role == "far" and not front:  # from the front neither side is behind the other
        return FAR_FILL, FAR_INK, OUTLINE * 0.9, f"{limb} far"
    return FILL, INK, OUTLINE, f"{limb} {role}"


def _draw_body(canvas: _Canvas, world: dict[str, Vec], project, moving, camera: str) -> None:
    # Back to front. Each limb is drawn as one silhouette: all its outlines first, then all its
    # fills, so its own joints show no seams while a limb crossing the body keeps its outline.
    front = camera == "front"
    order = ["arm_far", "leg_far", "trunk", "head", "leg_near", "arm_near"]
    if front:  # painter's order by distance from the camera (which looks along -x)
        depth = {limb: sum(world[n][0] for part in _PARTS if part[0] == limb for n in part[3]) for limb in order}
        counts = {limb: sum(len(part[3]) for part in _PARTS if part[0] == limb) for limb in order}
        order.sort(key=lambda limb: depth[limb] / counts[limb])
    pts2 = {k: project(v) for k, v in world.items()}
    for limb in order:
        fill, ink, outline, cls = _style(limb, moving, front)
        parts = [part for part in _PARTS if part[0] == limb]
        for pass_ink, grow in ((ink, outline), (fill, 0.0)):
            for _, name, kind, names, rkey in parts:
                r = TORSO_FRONT_HALF_WIDTH if front and name == "torso" else RADIUS[rkey]
                coords = [pts2[n] for n in names]
                attrs = {"class": f"{cls} {name}"}
                if kind == "dot":
                    canvas.add("circle", coords, r + grow, fill=pass_ink, **attrs)
                else:
                    canvas.add("path" if kind == "curve" else "line", coords, 2 * (r + grow), stroke=pass_ink, **attrs)
        if limb == "head":
            # Eyes show which way the face points; an eye turned away from us is hidden.
            toward_camera = {"front": (1, 0, 0), "side": (0, 0, 1), "above": (0, 0, 1)}[camera]
            for eye in ("eye_near", "eye_far"):
                offset = _sub(world[eye], world["head"])
                if sum(o * t for o, t in zip(offset, toward_camera, strict=True)) > -2:
                    canvas.add("circle", [pts2[eye]], 1.4, fill=ink, **{"class": f"{cls} eye"})


def _draw_floor(canvas: _Canvas, pose, body_box, floor: float, project, samples) -> None:
    x0, x1 = body_box[0] - 10, body_box[2] + 10
    if pose["base"] == "side-lying":
        # Seen from above, the floor is a band: as deep as the body plus a margin.
        zs = [p[2] for p, _, _ in samples]
        z0, z1 = min(zs) - 18, max(zs) + 18
        y_far, y_near = project((0, floor, z0))[1], project((0, floor, z1))[1]
        fill = MAT_FILL if pose["prop"] == "mat" else PROP_FILL
        canvas.add(
            "rect",
            [(x0, y_near), (x1, y_far)],
            0,
            fill=fill,
            stroke=PROP_INK if pose["prop"] == "mat" else "none",
            **{"class": "floor"},
        )
        return
    canvas.add("line", [(-1e4, 0), (1e4, 0)], 1.5, bbox=False, stroke=FLOOR_INK, **{"class": "floor"})
    canvas.add("line", [(x0, 0), (x1, 0)], 0)  # keeps the floor in the frame
    if pose["prop"] == "mat":
        canvas.add("rect", [(x0, 0), (x1, floor)], 0, fill=MAT_FILL, stroke=PROP_INK, **{"class": "prop mat"})


def _draw_prop(canvas: _Canvas, placed: dict | None, project) -> None:
    if placed is None:
        return

    def at(x: float, y: float) -> tuple[float, float]:
        return project((x, y, 0.0))  # props stand in the body's mid-plane

    style = {"fill": PROP_FILL, "stroke": PROP_INK}
    kind = placed["kind"]
    cls = {"class": f"prop {kind}"}
    if kind == "wall":
        x, side = placed["x"], placed["side"]
        canvas.add("wall", [at(x, 0), at(x + 6 * side, 0)], 0, bbox=False, **style, **cls)
        canvas.add("line", [at(x, 0), at(x + 6 * side, 0)], 0)
    elif kind == "ball":
        cx, cy = at(placed["cx"], placed["cy"])
        canvas.add("circle", [(cx, cy)], BALL_RADIUS, fill="#e7f0fb", stroke=PROP_INK, **cls)
        # A seam line so it reads as a ball rather than a hole.
        canvas.add(
            "path",
            [(cx - BALL_RADIUS * 0.8, cy + 9), (cx, cy + 22), (cx + BALL_RADIUS * 0.8, cy + 9)],
            0,
            stroke=PROP_INK,
            **cls,
        )
    elif kind == "chair":
        x0, x1, seat, back = placed["x0"], placed["x1"], placed["seat"], placed["back"]
        for x in (x0 + 2.5, x1 - 2.5):
            canvas.add("line", [at(x, 0), at(x, seat - 3)], 3.0, stroke=PROP_INK, **cls)
        canvas.add("line", [at(x0 + 1.5, seat), at(x0 - 1.5, back)], 3.5, stroke=PROP_INK, **cls)
        canvas.add("rect", [at(x0 - 3.5, back - 16), at(x0 + 1.5, back)], 0, **style, **cls)
        canvas.add("rect", [at(x0, seat - 4), at(x1, seat)], 0, **style, **cls)
    elif kind == "bench":
        x0, x1, top = placed["x0"], placed["x1"], placed["top"]
        for x in (x0 + 5, x1 - 5):
            canvas.add("line", [at(x, 0), at(x, top - 6)], 4.0, stroke=PROP_INK, **cls)
        canvas.add("rect", [at(x0, top - 7), at(x1, top)], 0, **style, **cls)
    elif kind == "step":
        canvas.add("rect", [at(placed["x0"], 0), at(placed["x1"], placed["top"])], 0, **style, **cls)


def _draw_prop_front(canvas: _Canvas, placed: dict | None, world: dict[str, Vec]) -> None:
    """Props seen from the front: only their width and height show, centred on the body."""
    if placed is None or placed["kind"] == "wall":
        return  # a wall behind someone facing us is the whole background
    style = {"fill": PROP_FILL, "stroke": PROP_INK}
    cls = {"class": f"prop {placed['kind']}"}
    if placed["kind"] == "ball":
        canvas.add("circle", [(0.0, placed["cy"])], BALL_RADIUS, fill="#e7f0fb", stroke=PROP_INK, **cls)
        return
    if placed["kind"] == "step":
        x = world["foot_near"][2] if placed["x0"] - 8 < world["foot_near"][0] < placed["x1"] else 0.0
        canvas.add("rect", [(x - 20, 0), (x + 20, placed["top"])], 0, **style, **cls)
        return
    top = placed.get("seat", placed.get("top"))
    half = 22.0 if placed["kind"] == "chair" else 30.0
    if placed["kind"] == "chair":
        canvas.add("rect", [(-half + 2, top), (half - 2, placed["back"])], 0, **style, **cls)
    for x in (-half + 3, half - 3):
        canvas.add("line", [(x, 0), (x, top - 3)], 3.5, stroke=PROP_INK, **cls)
    canvas.add("rect", [(-half, top - 4), (half, top)], 0, **style, **cls)


def _draw_band(canvas: _Canvas, pose, pts2, body_box) -> None:
    band = pose["band"]
    if band is None:
        return
    start = pts2[band["from"]]
    cls = {"class": "band"}
    if band["to"] in ("front", "behind"):
        x = body_box[2] + 30 if band["to"] == "front" else body_box[0] - 30
        end = (x, start[1])
        canvas.add("line", [(x, 0), (x, end[1] + 15)], 4.0, stroke=PROP_INK, **{"class": "prop anchor"})
    elif band["to"] == "above":
        end = (start[0] + 10, body_box[3] + 25)
    else:
        end = pts2[band["to"]]
    canvas.add("line", [start, end], 2.4, stroke=BAND_INK, **cls)
    canvas.add("circle", [end], 2.6, fill=BAND_INK, **cls)


def _arrow_head(canvas: _Canvas, tip: tuple[float, float], d: tuple[float, float]) -> tuple[float, float]:
    """Draw a head at ``tip`` pointing along unit ``d``; return where the shaft should end."""
    head, half = 9.0, 5.5
    bx, by = tip[0] - d[0] * head, tip[1] - d[1] * head
    nx, ny = -d[1], d[0]
    canvas.add(
        "polygon",
        [tip, (bx + nx * half, by + ny * half), (bx - nx * half, by - ny * half)],
        0,
        fill=ACCENT,
        **{"class": "arrow"},
    )
    return bx, by


def _draw_arrow(canvas: _Canvas, pose, pts2, centre) -> None:
    arrow = pose["arrow"]
    if arrow is None:
        return
    ax, ay = pts2[arrow["at"]]
    ox, oy = arrow["offset"]
    cls = {"class": "arrow"}
    if arrow["direction"] in ("clockwise", "anticlockwise"):
        # An arc around the moving part, on its side away from the body's centre.
        r = 22.0
        mid = math.atan2(ay - centre[1], ax - centre[0]) if (ax, ay) != centre else math.pi / 2
        sweep = math.radians(70) * (1 if arrow["direction"] == "clockwise" else -1)
        angles = [mid + sweep - 2 * sweep * i / 10 for i in range(11)]
        arc = [(ax + ox + r * math.cos(a), ay + oy + r * math.sin(a)) for a in angles]
        (px, py), tip = arc[-2], arc[-1]
        length = math.hypot(tip[0] - px, tip[1] - py)
        end = _arrow_head(canvas, tip, ((tip[0] - px) / length, (tip[1] - py) / length))
        canvas.add("polyline", arc[:-2] + [end], 3.2, stroke=ACCENT, **cls)
        return
    dx, dy = ARROW_DIRECTIONS[arrow["direction"]]
    # Beside the moving end, on the side away from the body, so it never covers the limb.
    nx, ny = -dy, dx
    if (ax - centre[0]) * nx + (ay - centre[1]) * ny < 0:
        nx, ny = -nx, -ny
    sx, sy = ax + nx * 16 - dx * 6 + ox, ay + ny * 16 - dy * 6 + oy
    end = _arrow_head(canvas, (sx + dx * 30, sy + dy * 30), (dx, dy))
    canvas.add("line", [(sx, sy), end], 3.2, stroke=ACCENT, **cls)


def _layout(pose: dict):
    """Settle the figure on its support: world points, body samples and the floor height."""
    j = pose["joints"]
    base = pose["base"]
    side_lying = base == "side-lying"
    world = _to_world(_skeleton(j), base, j["trunk"])
    samples = _samples(world, side_lying)
    floor = MAT_THICKNESS if pose["prop"] == "mat" else 0.0
    targets = [(g, _prop_top(pose["prop"]) if s == "prop" else floor) for g, s in pose["contacts"].items()]
    turn = _settle_turn(samples, targets)
    group, height = targets[0]
    rest = _bottom(samples, group, turn)[0]
    lift = height - rest
    # Nothing goes through the floor: if another part is lower than the contact, it rests.
    lowest = _bottom(samples, "lowest", turn)[0] + lift
    lift += max(0.0, floor - lowest)

    def settle(p: Vec) -> Vec:
        q = _rot(p, turn)
        return (q[0], q[1] + lift, q[2])

    world = {k: settle(v) for k, v in world.items()}
    samples = [(settle(p), r, tags) for p, r, tags in samples]
    return world, samples, floor


def _figure_canvas(pose: dict) -> _Canvas:
    world, samples, floor = _layout(pose)
    camera = _camera(pose)
    project = _project(camera)
    pts2 = {k: project(v) for k, v in world.items()}
    placed = _place_prop(pose, samples, floor)
    canvas = _Canvas()
    body = _Canvas()
    _draw_body(body, world, project, pose["moving"], camera)
    body_box = body.bbox()
    _draw_floor(canvas, pose, body_box, floor, project, samples)
    if camera == "front":
        _draw_prop_front(canvas, placed, world)
    else:
        _draw_prop(canvas, placed, project)
    canvas.shapes += body.shapes
    _draw_band(canvas, pose, pts2, body_box)
    centre = ((body_box[0] + body_box[2]) / 2, (body_box[1] + body_box[3]) / 2)
    _draw_arrow(canvas, pose, pts2, centre)
    return canvas


def render_pose_svg(pose: dict, *, mirror: bool = False, width: int = 300, height: int = 200) -> str:
    """Draw ``pose`` as a standalone SVG 1.1 document (deterministic: same input, same bytes)."""
    pose = validate_pose(pose)
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        raise PoseError("width/height: expected positive whole numbers of pixels")
    canvas = _figure_canvas(pose)
    x0, y0, x1, y1 = canvas.bbox()
    margin_x, margin_top, margin_bottom = width * 0.04, height * 0.05, height * 0.05
    # One scale for every picture that fits (a 170 cm person standing fills the height), so
    # the person keeps the same size from picture to picture; only big poses shrink.
    scale = min(
        min(width / 300, height / 200) * 0.98,
        (width - 2 * margin_x) / (x1 - x0),
        (height - margin_top - margin_bottom) / (y1 - y0),
    )
    spare = height - margin_top - margin_bottom - (y1 - y0) * scale
    # Short content (lying down) sits a little below the middle, as on a page.
    baseline = height - margin_bottom - spare * 0.4
    cx = (x0 + x1) / 2

    def px(x: float, y: float) -> tuple[float, float]:
        sx = round(width / 2 + (x - cx) * scale, 1)
        return (round(width - sx, 1) if mirror else sx), round(baseline - (y - y0) * scale, 1)

    floor_y = px(0, 0)[1]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img">'
    ]
    for kind, coords, size, attrs, _ in canvas.shapes:
        pts = [px(x, y) for x, y in coords]
        if kind == "line" and size == 0:
            continue  # an invisible marker that only widens the frame
        extra = "".join(f' {k}="{html.escape(str(v))}"' for k, v in sorted(attrs.items()) if k != "class")
        cls = f' class="{attrs["class"]}"' if "class" in attrs else ""
        w = _num(size * scale)
        if kind == "line":
            (ax, ay), (bx, by) = pts
            if attrs.get("class") == "floor":
                ax, bx = (float(width), 0.0) if mirror else (0.0, float(width))
            out.append(
                f'<line{cls} x1="{_num(ax)}" y1="{_num(ay)}" x2="{_num(bx)}" '
                f'y2="{_num(by)}" stroke-width="{w}" stroke-linecap="round"{extra}/>'
            )
        elif kind == "path":
            (ax, ay), (bx, by), (qx, qy) = pts
            out.append(
                f'<path{cls} d="M{_num(ax)} {_num(ay)} Q{_num(bx)} {_num(by)} '
                f'{_num(qx)} {_num(qy)}" fill="none" stroke-width="{w or "1.2"}" '
                f'stroke-linecap="round"{extra}/>'
            )
        elif kind == "circle":
            ((ax, ay),) = pts
            line = ' stroke-width="1.2"' if "stroke" in attrs else ""
            out.append(f'<circle{cls} cx="{_num(ax)}" cy="{_num(ay)}" r="{_num(size * scale)}"{line}{extra}/>')
        elif kind in ("rect", "wall"):
            (ax, ay), (bx, by) = pts
            if kind == "wall":
                ay, by = 0.0, floor_y
            left, top = min(ax, bx), min(ay, by)
            out.append(
                f'<rect{cls} x="{_num(left)}" y="{_num(top)}" width="{_num(abs(bx - ax))}" '
                f'height="{_num(abs(by - ay))}" rx="{_num(min(1.5 * scale, abs(by - ay) / 2))}" '
                f'stroke-width="1.2"{extra}/>'
            )
        elif kind == "polyline":
            d = " ".join(f"{'L' if i else 'M'}{_num(x)} {_num(y)}" for i, (x, y) in enumerate(pts))
            out.append(
                f'<path{cls} d="{d}" fill="none" stroke-width="{w}" stroke-linecap="round" '
                f'stroke-linejoin="round"{extra}/>'
            )
        elif kind == "polygon":
            points = " ".join(f"{_num(x)},{_num(y)}" for x, y in pts)
            out.append(f'<polygon{cls} points="{points}"{extra}/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Contact sheet
# ---------------------------------------------------------------------------------------------


def contact_sheet_html(entries: Iterable[tuple[str, Sequence[str]]]) -> str:
    """A plain HTML page showing every (title, [svg, ...]) entry in a grid, for checking by eye."""
    cards = []
    for title, svgs in entries:
        pictures = "".join(f'<div class="pic">{svg}</div>' for svg in svgs)
        cards.append(f'<section><h2>{html.escape(title)}</h2><div class="pics">{pictures}</div></section>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Exercise pictures</title><style>"
        "body{font-family:sans-serif;margin:16px;background:#f8f9fa}"
        ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(640px,1fr));gap:12px}"
        "section{background:#fff;border:1px solid #dee2e6;border-radius:6px;padding:8px}"
        "h2{font-size:14px;margin:0 0 6px}.pics{display:flex;gap:8px;flex-wrap:wrap}"
        ".pic{border:1px solid #e9ecef}.pic svg{display:block}"
        '</style></head><body><div class="grid">\n' + "\n".join(cards) + "\n</div></body></html>\n"
    )
