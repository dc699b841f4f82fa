"""The picture engine: an exercise's pose, stored as JSON, drawn as a deterministic SVG.

A pose is a 3D skeleton (``skeleton``) settled on the floor and props (``contacts``,
``scene``), with props from a registry (``props``: one module per prop), seen from a named
camera (``camera``, ``drawing``, ``arrow``, ``canvas``, ``picture``) and checked against the
facts its exercise's steps state (``constraints``). ``poses`` describes the JSON and holds
the entry points re-exported here, with ``aspect_of`` (a drawing's frame shape, for a page
laying pictures out by shape). Pure Python, no Django.
"""

from exercises.pictures.canvas import aspect_of
from exercises.pictures.poses import PoseError, pose_problems, render_pose_svg, validate_pose

__all__ = ["PoseError", "aspect_of", "pose_problems", "render_pose_svg", "validate_pose"]
