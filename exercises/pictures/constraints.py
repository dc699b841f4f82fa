"""What an exercise's steps say about a picture, as checks on the laid-out scene.

Each constraint is an object with ``says`` (the fact in the steps' words, shown when it
breaks) and one check:

touch    [part, surface]            the part rests on the surface: floor, a prop kind, or
                                    another body part/point ("hands on the lower back");
                                    ``within`` cm (default 3).
clear    [part, surface], min, max  the gap between them in cm ("foot at least 10 cm off
                                    the floor": min 10).
angle    [a, vertex, b], min, max   the angle at ``vertex`` between the points, in degrees.
line     [a, b, c], within          a, b and c in one straight line within ``within`` degrees.
parallel [a, b, c, d], within       the lines a-b and c-d point the same way within ``within``
                                    degrees (or ``min``: they are turned at least so far apart).
incline  [a, b], min, max           how steeply the line from a rises to b, in degrees above
                                    the horizontal (negative when b is lower).
distance [a, b], min, max           straight-line distance between two points, in cm.
above    [a, b], min, max           how far point a is above point b, in cm.
ahead    [a, b], min, max           how far point a is ahead of point b along the side view's
                                    +x (where a standing person faces), in cm.

What a part rests on, what the hands hold, what stays down and where a prop ends up:

rests    [part, surface]            the whole part lies on the surface, not just its nearest
                                    point: every sample of it within ``within`` cm (default 4).
                                    "Forearm, not hand, on the floor" in a side plank is
                                    ``rests [forearm_far, floor]``: an upright forearm touches
                                    only at the elbow and breaks it. Also how a picture says a
                                    part stays down: "lower back stays on the floor" in a crunch.
holds    [hands, thing]             each hand the group names (``hands`` both, ``hand_near`` one)
                                    is at the thing within ``within`` cm (default 4): a prop kind
                                    (its solids, or a towel's or band's strap) or a body part or
                                    point ("hands hold the knees").
stays    [part]                     the part is where it was in the start position (the ghost,
                                    placed by the pose's anchor), within ``within`` cm (default
                                    3): what the steps keep still while the rest moves ("keep
                                    your feet together", "shoulders stay on the floor"). Only
                                    in a pose with a ghost.
placed   [prop, part], min, max     how far the prop's centre is from the part's, measured
                                    along the floor (the horizontal distance), in cm: where a
                                    prop is ("the ball rolled in near the bottom": max).

``says`` is the fact in the steps' words; the review sheet lists it under the picture, and a
step sentence that no constraint's ``says`` covers is listed there as not checked.

Parts are contact groups (``exercises.pictures.contacts.GROUPS``) or named points; points are the
skeleton's named points. Every scene is also checked for body parts passing through the
floor or a prop.
"""

from __future__ import annotations

import math

from exercises.pictures.contacts import GROUPS, Sample
from exercises.pictures.skeleton import POINTS, PoseError
from exercises.pictures.vectors import DOWN, Vec, dot, length, sub, unit

CHECKS = (
    "touch",
    "clear",
    "angle",
    "line",
    "parallel",
    "incline",
    "distance",
    "above",
    "ahead",
    "rests",
    "holds",
    "stays",
    "placed",
)
HANDS = ("hands", "hand_near", "hand_far")
_ARITY = {
    "touch": 2,
    "clear": 2,
    "angle": 3,
    "line": 3,
    "parallel": 4,
    "incline": 2,
    "distance": 2,
    "above": 2,
    "ahead": 2,
    "rests": 2,
    "holds": 2,
    "stays": 1,
    "placed": 2,
}
# Which names each position of a check accepts: a body part (contact group or point), a
# surface (a part, the floor or a prop in the pose), a prop in the pose, or a point only.
_ROLES = {
    "touch": ("part", "surface"),
    "clear": ("part", "surface"),
    "rests": ("part", "surface"),
    "holds": ("hand", "surface"),
    "stays": ("part",),
    "placed": ("prop", "part"),
}
HOLD_TOLERANCE = 4.0  # cm: a hand round a towel, a bar or a knee
STAY_TOLERANCE = 3.0  # cm: the same place in the start and end pictures
TOUCH_TOLERANCE = 4.0  # cm: skin, clothing and drawing
PASS_THROUGH_TOLERANCE = 2.0  # cm: soft tissue pressing on a surface


class ConstraintError(ValueError):
    pass


def _points():
    return POINTS


def validate_constraints(value: object, kinds: list[str], *, has_ghost: bool = True) -> list[dict]:
    if not isinstance(value, list):
        raise PoseError("constraints: expected a list")
    points = _points()
    parts = set(GROUPS) | set(points)
    surfaces = parts | {"floor"} | set(kinds)
    allowed_by_role = {"part": parts, "surface": surfaces, "prop": set(kinds), "hand": set(HANDS)}
    out = []
    for index, item in enumerate(value, start=1):
        where = f"constraints[{index}]"
        if not isinstance(item, dict):
            raise PoseError(f"{where}: expected an object")
        checks = [c for c in CHECKS if c in item]
        if len(checks) != 1:
            raise PoseError(f"{where}: give exactly one of {', '.join(CHECKS)}")
        check = checks[0]
        says = item.get("says")
        if not isinstance(says, str) or not says.strip():
            raise PoseError(f"{where}.says: say in words what the steps state")
        unknown = sorted(set(item) - {check, "says", "min", "max", "within"})
        if unknown:
            raise PoseError(f"{where}.{unknown[0]}: unknown field")
        names = item[check]
        if not isinstance(names, list) or len(names) != _ARITY[check]:
            raise PoseError(f"{where}.{check}: expected a list of {_ARITY[check]} names")
        roles = _ROLES.get(check, ("point",) * _ARITY[check])
        for name, role in zip(names, roles, strict=True):
            allowed = allowed_by_role.get(role, set(points))
            if name not in allowed:
                raise PoseError(f"{where}.{check}: {name!r} is not a known body part, point or prop here")
        for bound in ("min", "max", "within"):
            if bound in item and not (
                isinstance(item[bound], int | float)
                and not isinstance(item[bound], bool)
                and math.isfinite(item[bound])
            ):
                raise PoseError(f"{where}.{bound}: expected a number")
        if (
            check in ("clear", "angle", "incline", "distance", "above", "ahead", "placed")
            and "min" not in item
            and "max" not in item
        ):
            raise PoseError(f"{where}: give a min or a max")
        if check == "stays" and not has_ghost:
            raise PoseError(f"{where}.stays: only a picture with a start position (ghost) can say what stays")
        out.append(dict(item))
    return out


def _samples_of(scene, name: str) -> list[Sample]:
    if name in scene.body.points and name not in GROUPS:
        return [Sample(scene.body.points[name], 0.0, frozenset())]
    return scene.group(name)


def _gap(scene, part: str, surface: str) -> float:
    """Smallest distance between a body part's surface and another surface (cm)."""
    group = _samples_of(scene, part)
    if surface == "floor":
        return min(s.point[1] - s.reach(DOWN) for s in group) - scene.floor
    solids = scene.solids_of(surface)
    if solids:
        return min(solid.clearance(s) for s in group for solid in solids)
    other = _samples_of(scene, surface)
    best = math.inf
    for a in group:
        for b in other:
            d = sub(b.point, a.point)
            n = length(d)
            u = unit(d) if n > 1e-9 else (0.0, 1.0, 0.0)
            best = min(best, n - a.reach(u) - b.reach(u))
    return best


def _angle(a: Vec, vertex: Vec, b: Vec) -> float:
    u, v = unit(sub(a, vertex)), unit(sub(b, vertex))
    return math.degrees(math.acos(max(-1.0, min(1.0, dot(u, v)))))


def _rest_gap(scene, part: str, surface: str) -> float:
    """The largest gap between any sample of the part and the surface: all of it lies there."""
    return max(_gap_one(scene, s, surface) for s in _samples_of(scene, part))


def _gap_one(scene, sample: Sample, surface: str) -> float:
    if surface == "floor":
        return sample.point[1] - sample.reach(DOWN) - scene.floor
    solids = scene.solids_of(surface)
    if solids:
        return min(solid.clearance(sample) for solid in solids)
    straps = [s for s in scene.straps if s.kind == surface]
    if straps:
        return min(_segment_distance(sample.point, s.a, s.b) for s in straps) - sample.radius
    best = math.inf
    for b in _samples_of(scene, surface):
        d = sub(b.point, sample.point)
        n = length(d)
        u = unit(d) if n > 1e-9 else (0.0, 1.0, 0.0)
        best = min(best, n - sample.reach(u) - b.reach(u))
    return best


def _segment_distance(p: Vec, a: Vec, b: Vec) -> float:
    ab = sub(b, a)
    t = max(0.0, min(1.0, dot(sub(p, a), ab) / max(dot(ab, ab), 1e-9)))
    return length(sub(p, (a[0] + ab[0] * t, a[1] + ab[1] * t, a[2] + ab[2] * t)))


def _hold_gap(scene, hands: str, thing: str) -> float:
    """The larger gap of the hands named: each of them is at the thing."""
    sides = ("hand_near", "hand_far") if hands == "hands" else (hands,)
    return max(min(_gap_one(scene, s, thing) for s in scene.group(side)) for side in sides)


def _centre(scene, name: str) -> Vec | None:
    """A prop's centre (its solids', or its straps'), or None when the scene has no such prop."""
    solids = scene.solids_of(name)
    if solids:
        pts = [s.a if s.shape == "ball" else tuple((s.a[i] + s.b[i]) / 2 for i in range(3)) for s in solids]
        return tuple(sum(q[i] for q in pts) / len(pts) for i in range(3))  # type: ignore[return-value]
    straps = [s for s in scene.straps if s.kind == name]
    if straps:
        return tuple(sum((s.a[i] + s.b[i]) / 2 for s in straps) / len(straps) for i in range(3))  # type: ignore[return-value]
    return None


def measure(scene, item: dict, ghost=None) -> float:
    check = next(c for c in CHECKS if c in item)
    names = item[check]
    p = scene.body.points
    if check in ("touch", "clear"):
        return _gap(scene, *names)
    if check == "rests":
        return _rest_gap(scene, *names)
    if check == "holds":
        return _hold_gap(scene, *names)
    if check == "placed":
        a, b = _centre(scene, names[0]), scene.point(names[1])
        return math.inf if a is None else math.hypot(a[0] - b[0], a[2] - b[2])
    if check == "stays":
        if ghost is None:
            return 0.0
        return length(sub(scene.point(names[0]), ghost.point(names[0])))
    if check == "angle":
        return _angle(p[names[0]], p[names[1]], p[names[2]])
    if check == "line":
        return 180.0 - _angle(p[names[0]], p[names[1]], p[names[2]])
    if check == "parallel":
        u, w = unit(sub(p[names[1]], p[names[0]])), unit(sub(p[names[3]], p[names[2]]))
        return math.degrees(math.acos(max(-1.0, min(1.0, dot(u, w)))))
    if check == "ahead":
        return p[names[0]][0] - p[names[1]][0]
    if check == "incline":
        d = sub(p[names[1]], p[names[0]])
        return math.degrees(math.atan2(d[1], math.hypot(d[0], d[2])))
    if check == "distance":
        return length(sub(p[names[1]], p[names[0]]))
    return p[names[0]][1] - p[names[1]][1]  # above


def broken(scene, item: dict, ghost=None) -> str | None:
    """Why the scene breaks the constraint, or None when it holds.

    ``ghost`` is the start position's scene, placed as drawn (``stays`` compares with it).
    """
    check = next(c for c in CHECKS if c in item)
    value = measure(scene, item, ghost)
    unit_ = "degrees" if check in ("angle", "line", "parallel", "incline") else "cm"
    low, high = item.get("min"), item.get("max")
    if check in ("touch", "rests"):
        high = item.get("within", TOUCH_TOLERANCE)
        low = -PASS_THROUGH_TOLERANCE - 1.0
    if check == "holds":
        high = item.get("within", HOLD_TOLERANCE)
        low = None
    if check == "stays":
        high = item.get("within", STAY_TOLERANCE)
        low = None
    if check in ("line", "parallel"):
        high = item.get("within", item.get("max", 10 if "min" not in item else None))
        low = item.get("min")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = " and ".join(
            text
            for text in (
                f"at least {low:g}" if low is not None else "",
                f"at most {high:g}" if high is not None else "",
            )
            if text
        )
        what = {
            "rests": ": its farthest point is",
            "holds": ": the farther hand is",
            "stays": ": it moved",
            "placed": ": the centres are",
        }.get(check, " is")
        return f"{check} {' / '.join(item[check])}{what} {value:.1f} {unit_}, should be {bounds}"
    return None


def describe(item: dict) -> str:
    check = next(c for c in CHECKS if c in item)
    return f"'{item['says']}' ({check} {', '.join(item[check])})"


def pass_throughs(scene) -> list[str]:
    """Body parts passing through the floor or a solid prop, deeper than soft tissue allows."""
    problems = []
    for s in scene.samples:
        name = next((t for t in GROUPS[1:] if t in s.tags), "body")
        depth = scene.floor - (s.point[1] - s.reach(DOWN))
        if depth > PASS_THROUGH_TOLERANCE:
            problems.append(f"the {name} passes {depth:.1f} cm through the floor")
        for solid in scene.solids:
            if not solid.solid or solid.layer == "under":
                continue
            depth = -solid.clearance(s)
            if depth > PASS_THROUGH_TOLERANCE:
                problems.append(f"the {name} passes {depth:.1f} cm through the {solid.kind} ({solid.name})")
    return sorted(set(problems))


def check_scene(scene, constraints: list[dict], ghost=None) -> list[str]:
    problems = []
    for item in constraints:
        why = broken(scene, item, ghost)
        if why:
            problems.append(f"breaks {describe(item)}: {why}")
    return problems + pass_throughs(scene)
