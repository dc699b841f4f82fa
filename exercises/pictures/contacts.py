"""What touches the floor and props: surface samples of the body, the contact groups they
belong to, and the settling that puts the groups a pose names on their surfaces.

A body part is sampled as points with the body's extent around them (the trunk as an
ellipsoid), tagged with the contact groups a pose or a constraint may name (``GROUPS``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exercises.pictures.skeleton import RADIUS, SIDES, TORSO_DEPTH, TORSO_WIDTH, Body
from exercises.pictures.vectors import DOWN, Mat, Vec, add, apply, bezier, dot, mid, rot, sub


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
        c = bezier(p["torso0"], p["torso_ctrl"], p["chest"], t)
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
