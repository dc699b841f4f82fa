"""Exercise pictures drawn from a pose: the JSON a picture stores, validated, and its drawing.

A pose is a 3D skeleton (``exercises.pictures.skeleton``) with props
(``exercises.pictures.props``), seen from a named camera (``exercises.pictures.camera``) and
checked against the facts its exercise's steps state (``exercises.pictures.constraints``). Only ``base`` is required::

    {"base": "supine", "camera": "side", "props": ["mat", "ball"],
     "joints": {"hip": 10, "knee": 100},
     "contacts": {"heels": "ball", "shoulders": "floor"},
     "moving": ["leg_near", "leg_far"],
     "ghost": {"joints": {"knee": 0}, "contacts": {"heels": "ball", "shoulders": "floor"}},
     "anchor": "shoulders",
     "arrow": {"at": "heel_near"},
     "constraints": [{"says": "heels on the ball", "touch": ["heels", "ball"]}]}

Fields
------
base      prone | supine | side-lying | quadruped | kneeling | sitting | standing: how the body
          frame lies in the world, and the resting joint angles each base starts from.
camera    side | front | top | three-quarter | three-quarter-back | above (default side). Side
          looks from the near side, front from the direction a standing person faces (the feet
          of a supine person), top straight down, three-quarter from the front-near side and a
          little above, three-quarter-back from the back-near side and a little above (a
          side-lying figure's feet end: a side plank's forearm and bent knees), above from the
          near side looking down 40 degrees (a side-lying figure's knees).
props     a list of prop kinds (``exercises.pictures.props.kinds()``), or objects ``{"kind": ..., "at": <group>}`` for a
          prop placed against a body part (a chair held by ``hand_far``, a wall at the
          ``back``, a dumbbell on the ``pelvis``), or ``{"kind": "band"|"towel", "from":
          <point>, "to": <point> | "front" | "behind" | "above" | "near" | "far"}`` for a strap
          (near, far: beside the body, off that side, level with the near hand).
joints    degrees, see ``JOINT_LIMITS``; ``_near``/``_far`` name the side facing the side
          camera or the other one; a name without the side sets both.
contacts  {<group>: "floor" | <prop kind>}: the body parts resting on a surface. The first two
          with a height settle the body (it tips until both touch); others are placed against
          it (a wall behind the back). Nothing passes through the floor or a prop.
frame     whole (default): the figure and props fill the frame; upper-body: head, trunk and
          arms fill it and the rest is cut off at the frame's edge (neck exercises, where the
          head's movement is what a patient must see); hand: the hands of the moving arms (or
          the near one) drawn large with their fingers, and what they hold, fill it; forearm:
          the same with those arms' forearms (a wrist bending past the knee).
moving    limbs drawn in the accent colour (``LIMBS``).
ghost     the start position, drawn faint behind the figure in the end picture: a pose with
          the same base, props and camera, given as the fields that differ.
anchor    the contact group that stays in place between ghost and figure (default the first
          contact).
arrow     {"at": <point>} an arrow from where the point is in the ghost to where it is now;
          or {"at": <point>, "direction": up | down | forward | back | the diagonals |
          clockwise | anticlockwise} for a fixed one.
constraints  what the steps say, checked on the laid-out scene (and, for ``stays``, against the
          ghost): where parts touch or clear a surface, angles, lines and heights, which part
          rests on what along its length (``rests``: a forearm flat on the floor), what the
          hands hold (``holds``), what stays where it was at the start (``stays``), and where
          a prop is (``placed``: the ball rolled in); see ``exercises.pictures.constraints``.

Angle conventions (body frame: x front, y head, z near side; the side view shows a standing
figure facing right):
trunk     upper body bending at the hips, + forward (supine: curling up), - back; the legs
          stay where they are. trunk_tilt: sideways, + towards the near side. trunk_turn: the
          shoulders turning on the hips, + the face towards the near side. spine: the back's
          curve, + rounded, - hollow.
neck      + chin to chest; neck_tilt + ear towards the near shoulder; neck_turn + looking
          towards the near side; neck_glide (cm) + the head sliding forward, - tucked back.
shoulder  + arm forward and up (180 overhead), - behind; shoulder_abduction sideways;
          shoulder_rotation + internal (a bent forearm crosses the body); shoulder_across + the
          arm swinging across the front of the body. elbow + bent. forearm_turn + palm down;
          wrist_bend + palm towards the forearm; knuckles, finger_bend, fingertip_bend + curling;
          thumb_across 0..100 the thumb crossing the palm to the little finger.
hip       + thigh forward, - behind, measured from the base's resting trunk line (leaning
          the trunk does not move the legs; the anatomical flexion is hip + trunk);
          hip_abduction sideways; hip_rotation + internal; hip_open: a bent knee opening
          like a clam, feet together. hip_roll: both legs rolling about the spine (knees
          falling to the near side). knee + bent (never backwards). ankle: shin-to-foot
          angle, 90 neutral, more = toes pointed.

Unmirrored, a standing figure faces right; ``mirror=True`` flips the picture left to right.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from exercises.pictures.arrow import ARROW_DIRECTIONS
from exercises.pictures.camera import CAMERAS as CAMERA_ANGLES
from exercises.pictures.constraints import check_scene, validate_constraints
from exercises.pictures.contacts import GROUPS
from exercises.pictures.picture import draw, scenes
from exercises.pictures.props import PROPS, kinds
from exercises.pictures.skeleton import (
    BASE_JOINTS,
    BASES,
    HIP_FLEXION_LIMITS,
    JOINT_DEFAULTS,
    JOINT_LIMITS,
    POINTS,
    SIDES,
    PoseError,
)

__all__ = [
    "ARROW_DIRECTIONS",
    "BASES",
    "CAMERAS",
    "CONTACT_GROUPS",
    "JOINT_DEFAULTS",
    "JOINT_LIMITS",
    "LIMBS",
    "POINTS",
    "PoseError",
    "pose_problems",
    "render_pose_svg",
    "validate_pose",
]


CAMERAS = tuple(CAMERA_ANGLES)
LIMBS = ("head", "trunk", "arm_near", "arm_far", "leg_near", "leg_far")
CONTACT_GROUPS = GROUPS
_POSE_KEYS = (
    "base",
    "camera",
    "frame",
    "props",
    "joints",
    "contacts",
    "moving",
    "ghost",
    "anchor",
    "arrow",
    "constraints",
)
FRAMES = ("whole", "upper-body", "hand", "forearm")
_LEGACY_KEYS = ("prop", "prop_at", "band", "view")
_GHOST_KEYS = ("joints", "contacts")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _choice(value: object, options: Sequence[str], field: str) -> str:
    if not isinstance(value, str) or value not in options:
        raise PoseError(f"{field}: {value!r} is not one of {', '.join(options)}")
    return value


def _upgrade_legacy(pose: dict) -> dict:
    """Read a pose in the first (side-view, one prop) format as the current one.

    That format is closed: the props it names below are the ones it knew, so a new prop in
    the registry never needs an entry here.
    """
    pose = dict(pose)
    prop = pose.pop("prop", "none")
    prop_at = pose.pop("prop_at", None)
    band = pose.pop("band", None)
    view = pose.pop("view", None)
    props: list = []
    if prop not in ("none", None):
        if prop in ("band",):
            props.append({"kind": "band", **(band or {"from": "hand_near", "to": "front"})})
            band = None
        elif prop_at and prop in ("chair", "wall", "step", "ball", "bench"):
            props.append({"kind": prop, "at": prop_at if prop_at not in ("front", "behind") else "feet"})
        else:
            props.append(prop)
    if band:
        props.append({"kind": "towel", **band})
    if props:
        pose["props"] = props
    if view == "front":
        pose["camera"] = "front"
    if "contacts" in pose:
        pose["contacts"] = {g: (prop if s == "prop" else s) for g, s in pose["contacts"].items()}
    elif _is_seat(prop) and pose.get("base") == "sitting":
        pose["contacts"] = {"buttocks": prop}
    elif prop == "step" and pose.get("base") == "standing" and not prop_at:
        pose["contacts"] = {"feet": "step"}
    elif prop == "ball" and pose.get("base") == "supine":
        pose["contacts"] = {"shoulders": "floor", "heels": "ball"}
    arrow = pose.get("arrow")
    if isinstance(arrow, dict) and "limb" in arrow:
        limb_end = {
            "head": "head",
            "trunk": "chest",
            "arm_near": "hand_near",
            "arm_far": "hand_far",
            "leg_near": "foot_near",
            "leg_far": "foot_far",
        }
        pose["arrow"] = {
            "at": arrow.get("at", limb_end.get(arrow["limb"], "chest")),
            "direction": arrow.get("direction", "up"),
        }
    if pose.get("contacts") and "lowest" in pose["contacts"] and pose["contacts"]["lowest"] == "prop":
        pose["contacts"] = {"lowest": prop}
    return pose


def _is_seat(kind: object) -> bool:
    prop = PROPS.get(kind) if isinstance(kind, str) else None
    return prop is not None and prop.seat


def _default_contacts(base: str, kinds: list[str]) -> dict[str, str]:
    seat = next((k for k in kinds if PROPS[k].sat_on), None)
    if base == "standing":
        return {"feet": next((k for k in kinds if PROPS[k].stood_on), "floor")}
    if base == "sitting":
        return {"buttocks": seat or "floor"}
    if base == "kneeling":
        return {"knees": "floor"}
    if base == "quadruped":
        return {"hands": "floor", "knees": "floor"}
    return {"lowest": "floor"}


def _joints(given: object, base: str, kinds: list[str], field: str = "joints") -> dict[str, float]:
    if not isinstance(given, dict):
        raise PoseError(f"{field}: expected an object of joint name to degrees")
    joints = dict(JOINT_DEFAULTS)
    base_joints = dict(BASE_JOINTS[base])
    if base == "sitting" and not any(PROPS[k].seat for k in kinds):
        base_joints["knee"] = 0  # on the floor the legs are straight out
    both, one = {}, {}
    for name, value in given.items():
        if isinstance(name, str) and f"{name}_near" in JOINT_LIMITS:
            both.update({f"{name}_{s}": (name, value) for s in SIDES})
        elif name in JOINT_LIMITS:
            one[name] = (name, value)
        else:
            raise PoseError(f"{field}.{name}: unknown joint (known: {', '.join(JOINT_LIMITS)})")
    for stem, value in base_joints.items():
        targets = [f"{stem}_{s}" for s in SIDES] if f"{stem}_near" in JOINT_LIMITS else [stem]
        joints.update(dict.fromkeys(targets, value))
    for joint, (name, value) in (both | one).items():
        if not _is_number(value):
            raise PoseError(f"{field}.{name}: expected a number of degrees, got {value!r}")
        low, high = JOINT_LIMITS[joint]
        if not low <= value <= high:
            raise PoseError(f"{field}.{name}: {value} is outside the anatomical range {low}..{high} degrees")
        joints[joint] = value
    low, high = HIP_FLEXION_LIMITS
    for side in SIDES:
        flexion = joints[f"hip_{side}"] + joints["trunk"]
        if not low <= flexion <= high:
            raise PoseError(
                f"{field}.hip_{side}: hip plus trunk is {flexion:g} degrees of hip flexion, outside {low}..{high}"
            )
    return joints


def _props(value: object) -> list[dict]:
    if not isinstance(value, list):
        raise PoseError("props: expected a list of props")
    out = []
    for index, item in enumerate(value, start=1):
        where = f"props[{index}]"
        if isinstance(item, str):
            item = {"kind": item}
        if not isinstance(item, dict):
            raise PoseError(f"{where}: expected a prop name or an object with kind")
        unknown = sorted(set(item) - {"kind", "at", "from", "to"})
        if unknown:
            raise PoseError(f"{where}.{unknown[0]}: unknown field")
        kind = _choice(item.get("kind"), kinds(), f"{where}.kind")
        prop = {"kind": kind}
        if "at" in item:
            prop["at"] = _choice(item["at"], CONTACT_GROUPS, f"{where}.at")
        if PROPS[kind].strap and ("from" in item or "to" in item):
            prop["from"] = _choice(item.get("from"), POINTS, f"{where}.from")
            prop["to"] = _choice(item.get("to"), POINTS + ("front", "behind", "above", "near", "far"), f"{where}.to")
        elif "from" in item or "to" in item:
            straps = " or ".join(k for k in kinds() if PROPS[k].strap)
            raise PoseError(f"{where}: only a {straps} runs from one point to another")
        if PROPS[kind].needs_at and "at" not in prop:
            prop["needs_at"] = True
        out.append(prop)
    listed = [p["kind"] for p in out]
    for kind in sorted(set(listed)):
        if listed.count(kind) > 1 and not PROPS[kind].may_repeat:
            raise PoseError(f"props: {kind} is listed twice")
    return out


def _contacts(value: object, kinds: list[str], field: str = "contacts") -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise PoseError(f'{field}: expected an object of body part to surface, e.g. {{"feet": "floor"}}')
    surfaces = ("floor",) + tuple(kinds)
    out = {}
    for group, surface in value.items():
        _choice(group, CONTACT_GROUPS, field)
        _choice(surface, surfaces, f"{field}.{group}")
        if surface != "floor" and PROPS[surface].carries is None and not PROPS[surface].leaned_on:
            raise PoseError(f"{field}.{group}: a {surface} cannot carry the body (use floor)")
        out[group] = surface
    return out


def validate_pose(pose: dict) -> dict:
    """Return ``pose`` normalised with every default filled in; raise ``PoseError`` if invalid."""
    if not isinstance(pose, dict):
        raise PoseError("pose: expected an object")
    if any(key in pose for key in _LEGACY_KEYS) or "limb" in (pose.get("arrow") or {}):
        pose = _upgrade_legacy(pose)
    unknown = sorted(set(pose) - set(_POSE_KEYS))
    if unknown:
        raise PoseError(f"{unknown[0]}: unknown pose field (known: {', '.join(_POSE_KEYS)})")
    if "base" not in pose:
        raise PoseError(f"base: required, one of {', '.join(BASES)}")
    base = _choice(pose["base"], BASES, "base")
    camera = _choice(pose.get("camera", "side"), CAMERAS, "camera")
    frame = _choice(pose.get("frame", "whole"), FRAMES, "frame")
    props = _props(pose.get("props", []))
    kinds = [p["kind"] for p in props]
    joints = _joints(pose.get("joints", {}), base, kinds)
    contacts = _contacts(pose.get("contacts", _default_contacts(base, kinds)), kinds)
    for prop in props:
        if prop.pop("needs_at", False):
            # A prop nobody rests on is placed against a named body part.
            if prop["kind"] not in contacts.values():
                raise PoseError(f'props: give the {prop["kind"]} an "at" (the body part it is against)')

    moving = pose.get("moving", [])
    if not isinstance(moving, list):
        raise PoseError("moving: expected a list of limbs")
    moving = [_choice(limb, LIMBS, "moving") for limb in moving]

    ghost = pose.get("ghost")
    if ghost is not None:
        if not isinstance(ghost, dict):
            raise PoseError("ghost: expected an object with joints and contacts")
        extra = sorted(set(ghost) - set(_GHOST_KEYS))
        if extra:
            raise PoseError(f"ghost.{extra[0]}: unknown field (the ghost shares base, props and camera)")
        ghost = {
            "joints": _joints(ghost.get("joints", {}), base, kinds, "ghost.joints"),
            "contacts": _contacts(ghost.get("contacts", contacts), kinds, "ghost.contacts"),
        }
    anchor = _choice(pose.get("anchor", next(iter(contacts))), CONTACT_GROUPS, "anchor")

    arrow = pose.get("arrow")
    if arrow is not None:
        if not isinstance(arrow, dict):
            raise PoseError("arrow: expected an object with at (and direction)")
        extra = sorted(set(arrow) - {"at", "direction", "offset"})
        if extra:
            raise PoseError(f"arrow.{extra[0]}: unknown field")
        at = _choice(arrow.get("at"), POINTS, "arrow.at")
        direction = arrow.get("direction")
        if direction is None and ghost is None:
            raise PoseError("arrow.direction: needed when there is no ghost to start from")
        if direction is not None:
            _choice(direction, tuple(ARROW_DIRECTIONS), "arrow.direction")
        offset = arrow.get("offset", [0, 0])
        if not (
            isinstance(offset, list | tuple)
            and len(offset) == 2
            and all(_is_number(v) and abs(v) <= 100 for v in offset)
        ):
            raise PoseError("arrow.offset: expected [dx, dy] in cm, each within -100..100")
        arrow = {"at": at, "direction": direction, "offset": [float(v) for v in offset]}

    constraints = validate_constraints(pose.get("constraints", []), kinds, has_ghost=ghost is not None)
    return {
        "base": base,
        "camera": camera,
        "frame": frame,
        "props": props,
        "joints": joints,
        "contacts": contacts,
        "moving": moving,
        "ghost": ghost,
        "anchor": anchor,
        "arrow": arrow,
        "constraints": constraints,
    }


def pose_problems(pose: dict) -> list[str]:
    """The constraints the laid-out pose breaks (and anything passing through floor or props)."""

    pose = validate_pose(pose)
    scene, ghost = scenes(pose)
    return check_scene(scene, pose["constraints"], ghost)


def render_pose_svg(pose: dict, *, mirror: bool = False, width: int | None = None, height: int | None = None) -> str:
    """Draw ``pose`` as a standalone SVG 1.1 document (deterministic: same input, same bytes).

    Without ``width`` and ``height`` the frame takes the drawing's shape: 300 pixels wide and
    as tall as its aspect (wide 3:1, landscape 3:2, square, tall 2:3), named on the root as
    ``data-aspect``; see ``exercises.pictures.picture.ASPECTS``.
    """

    pose = validate_pose(pose)
    if (width, height) != (None, None) and not (
        isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0
    ):
        raise PoseError("width/height: expected positive whole numbers of pixels")
    return draw(pose, mirror=mirror, width=width, height=height)
