"""The named cameras a picture is seen from, as orthographic views of the world.

Side looks from the near side, front from the direction a standing person faces, top
straight down, three-quarter from the front-near side and a little above, three-quarter-back
from the back-near side and a little above (a side-lying figure's feet end), above from the
near side looking down (a side-lying figure's knees coming forward and lifting).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exercises.pictures.vectors import Vec, cross, dot

# name: (azimuth from the side camera towards the front, elevation), degrees
CAMERAS = {
    "side": (0.0, 0.0),
    "front": (90.0, 0.0),
    "top": (0.0, 90.0),
    "three-quarter": (35.0, 25.0),
    # The side camera raised to look down: a side-lying figure's knees coming forward and lifting.
    "above": (0.0, 40.0),
    # Three-quarter from the other end: a side-lying figure seen from its feet, so the forearm
    # it props on and knees bent behind it show (a side plank).
    "three-quarter-back": (-45.0, 20.0),
}


@dataclass(frozen=True)
class View:
    to_camera: Vec  # unit vector from the scene towards the camera
    right: Vec
    up: Vec

    def project(self, p: Vec) -> tuple[float, float]:
        return (dot(p, self.right), dot(p, self.up))

    def depth(self, p: Vec) -> float:
        """Larger is nearer the camera."""
        return dot(p, self.to_camera)


def view(name: str) -> View:
    az, el = (math.radians(a) for a in CAMERAS[name])
    c = (math.sin(az) * math.cos(el), math.sin(el), math.cos(az) * math.cos(el))
    right = (math.cos(az), 0.0, -math.sin(az))
    up = cross(c, right)
    return View(c, right, up)
