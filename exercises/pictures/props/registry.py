"""The prop registry: what a prop is made of, the scene it is placed in, and what the engine
knows about each kind.

A prop is made of solids (boxes, balls, rods) in world centimetres, or a strap (a line from a
body point to another point). Supports (bench, chair, step, ball, pillow, machine seat) go
under the body part that rests on them; walls go against the part that leans on them;
things held or worn (dumbbell, ankle weight, towel, band) go on the part that holds or wears
them.

Each kind of prop is a :class:`Prop` dataclass with one placing method, in its own module of
this package beside its real sizes, registered with :func:`register` as Django's admin
registers a ``ModelAdmin``. Validation (``exercises.pictures.poses``), the layout
(``exercises.pictures.scene``) and the drawing (``exercises.pictures.drawing``) read what
they need from the registry, so adding a prop touches that one module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exercises.pictures.canvas import PROP_FILL
from exercises.pictures.contacts import Sample
from exercises.pictures.skeleton import Body
from exercises.pictures.vectors import DOWN, Vec, add, dot, length, sub, unit


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
    """A laid-out pose: the settled body, its surface samples, the props' solids and straps."""

    body: Body
    samples: list[Sample]
    solids: list[Solid]
    floor: float
    straps: list[Strap] = field(default_factory=list)

    def group(self, name: str) -> list[Sample]:
        return [s for s in self.samples if name in s.tags]

    def solids_of(self, kind: str) -> list[Solid]:
        return [s for s in self.solids if s.kind == kind]

    def extent(self, axis: int) -> tuple[float, float]:
        """The body's lowest and highest reach along a world axis (0 x, 1 y, 2 z)."""
        values = [s.point[axis] - s.reach(_axis(axis)) for s in self.samples]
        values += [s.point[axis] + s.reach(_axis(axis)) for s in self.samples]
        return min(values), max(values)

    def lowest(self, group: str) -> Vec:
        """The group's lowest point, on its surface."""
        best = min(self.group(group), key=lambda s: s.point[1] - s.reach(DOWN))
        return (best.point[0], best.point[1] - best.reach(DOWN), best.point[2])

    def point(self, name: str) -> Vec:
        """A named skeleton point, or the middle of a contact group."""
        if name in self.body.points:
            return self.body.points[name]
        group = self.group(name)
        n = len(group)
        return tuple(sum(s.point[i] for s in group) / n for i in range(3))  # type: ignore[return-value]

    def centre_x(self) -> float:
        """Where the body's middle is along the side view's x."""
        return sum(s.point[0] for s in self.samples) / len(self.samples)

    def on_top(self, at: str, lift: float) -> Vec:
        """A point resting on top of a body part (a weight across the hips)."""
        group = self.group(at)
        top = max(s.point[1] + s.reach((0.0, 1.0, 0.0)) for s in group)
        x = sum(s.point[0] for s in group) / len(group)
        z = sum(s.point[2] for s in group) / len(group)
        return (x, top + lift, z)

    def anchor(self, to: str) -> Vec:
        """Where a strap ends: a body point, or in front of, behind, above or beside the body
        (``near``, ``far``: level with the near hand, off the near or far side)."""
        if to in ("near", "far"):
            z0, z1 = self.extent(2)
            hand = self.body.points["hand_near"]
            return (hand[0], hand[1], z1 + 30 if to == "near" else z0 - 30)
        if to in ("front", "behind", "above"):
            x0, x1 = self.extent(0)
            y0, y1 = self.extent(1)
            if to == "above":
                return ((x0 + x1) / 2, y1 + 25, 0.0)
            hand = self.body.points["hand_near"]
            return (x1 + 35 if to == "front" else x0 - 35, hand[1], hand[2])
        return self.point(to)


def _axis(i: int) -> Vec:
    return tuple(1.0 if k == i else 0.0 for k in range(3))  # type: ignore[return-value]


def box(kind: str, name: str, x: tuple[float, float], y: tuple[float, float], z: tuple[float, float], **kw) -> Solid:
    return Solid(kind, name, "box", (min(x), min(y), min(z)), (max(x), max(y), max(z)), **kw)


@dataclass(frozen=True)
class Prop:
    """What the picture engine knows about one kind of prop.

    A prop's module subclasses this with the kind's name and the facts that differ from the
    defaults below, implements :meth:`place`, and registers an instance.
    """

    kind: str

    # How it carries the body.
    carries: float | None = None  # height of the surface the body can rest on, cm; None: it carries nothing
    on_mat: bool = False  # it lies on the mat, so that height counts from the mat's top (a ball, a pillow)
    leaned_on: bool = False  # a vertical surface a body part may touch (a wall): a contact with no height
    raises_floor: float = 0.0  # it lies under everything and lifts the floor by this much (a mat)
    seat: bool = False  # may be sat on: a sitting pose with it keeps its knees bent
    sat_on: bool = False  # a sitting pose that names no contact sits on it
    stood_on: bool = False  # a standing pose that names no contact stands on it

    # What validation needs to know.
    needs_at: bool = False  # unless the body rests on it, the pose names the part it is against ("at")
    may_repeat: bool = False  # a pose may list it more than once (a dumbbell in each hand)
    strap: tuple[str, float] | None = None  # runs "from" a point "to" another: drawn in this colour and width (cm)

    # How it is drawn.
    fill: str = PROP_FILL
    fill_from_above: str | None = None  # a box's fill when the camera looks down on it (a mat: a flat sheet)
    top_face: bool = True  # a box shows its top face when the camera looks down on it

    def fill_for(self, part: str) -> str:
        """The fill of one of its solids, by the solid's name (a machine's pads are darker)."""
        return self.fill

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        """Add the prop's solids or straps to ``scene``.

        ``item`` is the prop as the validated pose lists it (``kind``, and ``at``, ``from``,
        ``to`` when given); ``carrying`` is the body part resting on it, if any; ``at`` is
        the part it is placed against: the pose's ``at``, else the part it carries.
        """
        raise NotImplementedError


PROPS: dict[str, Prop] = {}


def register(prop: Prop) -> Prop:
    """Make ``prop`` known to validation, the layout and the drawing."""
    if prop.kind in PROPS:
        raise ValueError(f"a prop of kind {prop.kind!r} is already registered")
    PROPS[prop.kind] = prop
    return prop


def kinds() -> tuple[str, ...]:
    """The registered kinds of prop, in alphabetical order."""
    return tuple(sorted(PROPS))
