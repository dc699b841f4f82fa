"""The pose model and its drawings (pure Python: no database, no Django)."""

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from exercises.pictures import aspect_of
from exercises.pictures.camera import CAMERAS
from exercises.pictures.constraints import check_scene
from exercises.pictures.picture import fitted_in_hand_frame
from exercises.pictures.poses import (
    BASES,
    JOINT_LIMITS,
    PoseError,
    pose_problems,
    render_pose_svg,
    validate_pose,
)
from exercises.pictures.props import kinds
from exercises.pictures.scene import build_scene
from exercises.services import bundled_catalogue

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED_TAGS = {f"{SVG}{tag}" for tag in ("svg", "path", "line", "circle", "rect", "polygon")}
ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = bundled_catalogue()  # every file of exercises/catalogue/
PICTURES = [
    pytest.param(exercise, picture, id=f"{exercise['slug']}-{number}")
    for exercise in CATALOGUE["exercises"]
    for number, picture in enumerate(exercise["pictures"], start=1)
]

LEG_LIFT = {
    "base": "prone",
    "props": ["mat"],
    "joints": {"hip_far": -12},
    "moving": ["leg_far"],
    "ghost": {"joints": {}},
    "arrow": {"at": "foot_far"},
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def numbers(value: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", value)]


SPANS = {"wall", "doorway", "door-anchor", "kitchen-bench"}


def drawn_box(root: ET.Element) -> tuple[float, float, float, float]:
    """The bounding box of what is drawn, less the floor line, walls, doors and a kitchen bench (they
    span the frame: a fixed surface is cut at the frame's edge, like the floor)."""
    xs, ys = [], []
    for el in root.iter():
        cls = el.get("class", "")
        if el.tag == f"{SVG}svg" or {"floor", *SPANS} & set(cls.split()):
            continue
        half = float(el.get("stroke-width", 0)) / 2 if el.get("stroke") else 0.0
        if el.tag == f"{SVG}line":
            xs += [float(el.get("x1")) - half, float(el.get("x2")) + half, float(el.get("x1")) + half]
            xs += [float(el.get("x2")) - half]
            ys += [float(el.get("y1")) - half, float(el.get("y2")) + half, float(el.get("y1")) + half]
            ys += [float(el.get("y2")) - half]
        elif el.tag == f"{SVG}circle":
            r = float(el.get("r")) + half
            xs += [float(el.get("cx")) - r, float(el.get("cx")) + r]
            ys += [float(el.get("cy")) - r, float(el.get("cy")) + r]
        elif el.tag in (f"{SVG}polygon", f"{SVG}path"):
            values = numbers(el.get("points") or el.get("d"))
            xs += [v + s for v in values[0::2] for s in (-half, half)]
            ys += [v + s for v in values[1::2] for s in (-half, half)]
    return min(xs), min(ys), max(xs), max(ys)


# --- validation ------------------------------------------------------------------------------


def test_validate_fills_defaults_and_sided_shorthand():
    pose = validate_pose({"base": "supine", "joints": {"hip": 45, "knee": 90, "knee_far": 10}})
    assert pose["props"] == [] and pose["camera"] == "side"
    assert pose["joints"]["hip_near"] == pose["joints"]["hip_far"] == 45
    assert (pose["joints"]["knee_near"], pose["joints"]["knee_far"]) == (90, 10)
    assert pose["joints"]["ankle_near"] == 90
    assert pose["moving"] == [] and pose["arrow"] is None and pose["ghost"] is None
    assert set(pose["joints"]) == set(JOINT_LIMITS)
    assert validate_pose(pose) == pose  # normalising twice changes nothing


@pytest.mark.parametrize(
    ("joints", "name"),
    [
        ({"knee_near": -10}, "knee_near"),  # a knee never bends backwards
        ({"elbow_far": 170}, "elbow_far"),
        ({"hip_near": 150}, "hip_near"),
        ({"neck": -90}, "neck"),
        ({"ankle_far": 30}, "ankle_far"),
        ({"shoulder_near": "90"}, "shoulder_near"),
        ({"knee_far": True}, "knee_far"),
        ({"knee_far": float("nan")}, "knee_far"),
        ({"wrist_near": 10}, "wrist_near"),
        ({"hip_near": 120, "trunk": 60}, "hip_near"),  # 180 degrees of hip flexion
    ],
)
def test_joints_outside_their_anatomical_range_are_refused(joints, name):
    with pytest.raises(PoseError, match=name):
        validate_pose({"base": "standing", "joints": joints})


@pytest.mark.parametrize(
    ("pose", "field"),
    [
        ({"base": "handstand"}, "base"),
        ({"props": ["mat"]}, "base"),
        ({"base": "sitting", "props": ["sofa"]}, "props[1].kind"),
        ({"base": "sitting", "colour": "red"}, "colour"),
        ({"base": "sitting", "camera": "drone"}, "camera"),
        ({"base": "sitting", "moving": ["tail"]}, "moving"),
        ({"base": "sitting", "arrow": {"at": "hand_near", "direction": "sideways"}}, "arrow.direction"),
        ({"base": "sitting", "arrow": {"at": "hand_near"}}, "arrow.direction"),  # no ghost to start from
        ({"base": "sitting", "contacts": {"feet": "ball"}}, "contacts.feet"),  # no ball in the picture
        ({"base": "sitting", "contacts": {"nose": "floor"}}, "contacts"),
        ({"base": "standing", "props": ["chair"]}, "chair"),  # a chair nobody sits on needs "at"
        ({"base": "standing", "constraints": [{"touch": ["hands", "floor"]}]}, "constraints[1].says"),
        ({"base": "standing", "constraints": [{"says": "x", "touch": ["hands", "sky"]}]}, "constraints[1].touch"),
        ({"base": "standing", "ghost": {"camera": "top"}}, "ghost.camera"),
    ],
)
def test_unknown_fields_and_values_are_refused(pose, field):
    with pytest.raises(PoseError, match=re.escape(field)):
        validate_pose(pose)


def test_pose_error_is_a_value_error():
    assert issubclass(PoseError, ValueError)
    with pytest.raises(ValueError):
        render_pose_svg({"base": "upside-down"})


def test_a_pose_in_the_first_format_is_read_as_the_current_one():
    old = {"base": "sitting", "prop": "chair", "view": "front", "arrow": {"limb": "head", "direction": "clockwise"}}
    pose = validate_pose(old)
    assert pose["props"] == [{"kind": "chair"}] and pose["camera"] == "front"
    assert pose["contacts"] == {"buttocks": "chair"}
    assert pose["arrow"] == {"at": "head", "direction": "clockwise", "offset": [0.0, 0.0]}


# --- the model: forward kinematics, contacts, props -------------------------------------------


def test_forward_kinematics_places_joints_by_segment_lengths():
    scene = build_scene(validate_pose({"base": "standing", "joints": {"hip_near": 90, "knee_near": 90}}))
    p = scene.body.points
    thigh = [b - a for a, b in zip(p["hip_near"], p["knee_near"], strict=True)]
    shin = [b - a for a, b in zip(p["knee_near"], p["ankle_near"], strict=True)]
    assert thigh[0] == pytest.approx(42, abs=0.01) and thigh[1] == pytest.approx(0, abs=0.01)  # forward
    assert shin[1] == pytest.approx(-42, abs=0.01)  # knee bent 90: the shin hangs down
    far = p["knee_far"]
    assert far[1] < p["hip_far"][1] - 40  # the other leg still stands


@pytest.mark.parametrize("base", BASES)
def test_each_base_rests_on_the_floor_without_passing_through_it(base):
    pose = validate_pose({"base": base, "props": ["mat"]})
    scene = build_scene(pose)
    lowest = min(s.point[1] - s.reach((0.0, -1.0, 0.0)) for s in scene.samples)
    assert lowest == pytest.approx(scene.floor, abs=0.01)
    assert check_scene(scene, []) == []


def test_two_contacts_tip_the_body_until_both_touch():
    pose = validate_pose(
        {
            "base": "supine",
            "joints": {"hip": 12, "trunk": -20, "knee": 95, "ankle": 110, "neck": 32, "shoulder": -20},
            "contacts": {"feet": "floor", "shoulders": "floor"},
        }
    )
    scene = build_scene(pose)
    assert (
        pose_problems(
            {
                **pose,
                "constraints": [
                    {"says": "shoulders down", "touch": ["shoulders", "floor"]},
                    {"says": "feet down", "touch": ["feet", "floor"]},
                    {"says": "hips up", "clear": ["pelvis", "floor"], "min": 10},
                ],
            }
        )
        == []
    )
    assert scene.body.points["pelvis"][1] > 20


def test_a_prop_carrying_the_body_goes_under_the_part_that_rests_on_it():
    pose = validate_pose(
        {
            "base": "supine",
            "props": ["ball"],
            "joints": {"hip": 0, "neck": 20, "shoulder": -20},
            "contacts": {"shoulders": "floor", "heels": "ball"},
        }
    )
    scene = build_scene(pose)
    (ball,) = scene.solids_of("ball")
    assert ball.r == 32.5 and ball.a[1] == pytest.approx(32.5)  # a 65 cm ball standing on the floor
    problems = pose_problems({**pose, "constraints": [{"says": "heels on the ball", "touch": ["heels", "ball"]}]})
    assert problems == []


def test_constraints_report_what_breaks_in_the_steps_words():
    pose = {
        "base": "standing",
        "constraints": [
            {"says": "lifted foot at least 10 cm off the floor", "clear": ["foot_near", "floor"], "min": 10}
        ],
    }
    (problem,) = pose_problems(pose)
    assert "lifted foot at least 10 cm off the floor" in problem and "should be at least 10" in problem


def test_a_body_part_through_a_prop_is_reported():
    pose = {"base": "sitting", "props": ["chair"], "joints": {"shoulder": 0}, "contacts": {"buttocks": "chair"}}
    assert any("through the chair" in problem for problem in pose_problems(pose))


# --- drawing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("camera", sorted(CAMERAS))
@pytest.mark.parametrize("base", BASES)
def test_every_base_and_camera_draws_wellformed_svg(base, camera):
    root = parse(render_pose_svg({"base": base, "camera": camera, "props": ["mat"]}))
    assert root.tag == f"{SVG}svg"
    # The frame takes the drawing's shape: 300 pixels wide, as tall as its named aspect.
    height = {"wide": "100", "landscape": "200", "square": "300", "tall": "450"}[root.get("data-aspect")]
    assert root.get("viewBox") == f"0 0 300 {height}"
    assert (root.get("width"), root.get("height"), root.get("role")) == ("300", height, "img")
    assert {el.tag for el in root.iter()} <= ALLOWED_TAGS
    assert root.find(f"{SVG}circle[@class='head body head']") is not None
    for el in list(root.iter())[1:]:
        assert not any("href" in name or name.startswith("on") for name in el.attrib)
        for name in ("x1", "y1", "x2", "y2", "cx", "cy", "r"):
            if name in el.attrib:
                assert re.fullmatch(r"-?\d+\.\d", el.get(name)), (name, el.get(name))


@pytest.mark.parametrize("prop", kinds())
def test_every_prop_draws(prop):
    at = {
        "chair": "hand_far",
        "wall": "back",
        "doorway": "heel_near",
        "dumbbell": "hands",
        "ankle-weight": "foot_near",
        "pillow": "head",
        "bench": "upper_back",
        "ball": "heels",
        "step": "heel_near",
        "band": None,
        "towel": None,
    }
    item = {"kind": prop} | ({"at": at[prop]} if at.get(prop) else {})
    if prop in ("band", "towel"):
        item |= {"from": "hand_near", "to": "front"}
    base = (
        "supine" if prop in ("doorway", "pillow", "bench", "ball") else "sitting" if "machine" in prop else "standing"
    )
    contacts = {"buttocks": prop} if "machine" in prop else None
    pose = {"base": base, "props": [item]} | ({"contacts": contacts} if contacts else {})
    root = parse(render_pose_svg(pose))
    classes = " ".join(el.get("class", "") for el in root.iter())
    assert prop in classes


def test_output_is_the_same_bytes_in_another_process():
    """Dicts and sets are not ordered by hash anywhere in the drawing: a new process (another
    hash seed) draws the same bytes."""
    code = (
        "import json,sys;from exercises.pictures.poses import render_pose_svg;"
        "poses=json.load(sys.stdin);"
        "print(json.dumps([render_pose_svg(p, mirror=m) for p in poses for m in (False, True)]))"
    )
    poses = [LEG_LIFT] + [
        picture["pose"] for exercise in CATALOGUE["exercises"][::9] for picture in exercise["pictures"]
    ]
    here = [render_pose_svg(p, mirror=m) for p in poses for m in (False, True)]
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(poses),
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            cwd=ROOT,
        )
        assert json.loads(out.stdout) == here


def test_mirroring_reflects_every_x_coordinate_about_the_centre():
    plain = parse(render_pose_svg(LEG_LIFT))
    mirrored = parse(render_pose_svg(LEG_LIFT, mirror=True))
    assert ET.tostring(plain) != ET.tostring(mirrored)
    for a, b in zip(plain.iter(), mirrored.iter(), strict=True):
        assert a.tag == b.tag and a.get("class") == b.get("class")
        for name in ("x1", "x2", "cx"):
            if name in a.attrib:
                assert float(b.get(name)) == pytest.approx(300 - float(a.get(name)), abs=0.05)
        for name in ("y1", "y2", "cy", "r"):
            assert a.get(name) == b.get(name)
    head = plain.find(f"{SVG}circle[@class='head body head']")
    assert float(head.get("cx")) > 150  # prone: the head to the right unless mirrored


def test_moving_limb_is_in_the_accent_colour_and_the_start_is_a_ghost_behind_it():
    root = parse(render_pose_svg(LEG_LIFT))
    elements = list(root.iter())
    moving = [el for el in elements if "moving" in el.get("class", "").split()]
    assert moving and all("leg_far" in el.get("class") for el in moving)
    assert "#e8590c" in {el.get("stroke") for el in moving}
    ghosts = [i for i, el in enumerate(elements) if el.get("class", "").startswith("ghost")]
    first_body = min(i for i, el in enumerate(elements) if "body" in el.get("class", "").split())
    assert ghosts and max(ghosts) < first_body  # drawn first, so behind the figure
    assert {elements[i].get("stroke") for i in ghosts} - {None} == {"#c9d0d8", "#f3f5f7"}


def test_far_limbs_are_lighter_than_near_ones():
    root = parse(render_pose_svg({"base": "standing", "joints": {"shoulder_far": 60}}))
    far = {el.get("stroke") for el in root.iter() if el.get("class", "").startswith("arm_far far")}
    near = {el.get("stroke") for el in root.iter() if el.get("class", "").startswith("arm_near near")}
    assert far - {None, "#e9edf1"} == {"#8d99a6"} and near - {None, "#ffffff"} == {"#2f3b48"}


def test_the_arrow_runs_from_the_ghost_to_the_moving_point():
    root = parse(render_pose_svg(LEG_LIFT))
    (shaft,) = [el for el in root.iter() if el.get("class") == "arrow" and el.tag == f"{SVG}path"]
    start_y, end_y = numbers(shaft.get("d"))[1], numbers(shaft.get("d"))[-1]
    assert end_y < start_y  # the leg lifts: the arrow points up the page
    without = parse(render_pose_svg({k: v for k, v in LEG_LIFT.items() if k != "arrow"}))
    assert not [el for el in without.iter() if el.get("class") == "arrow"]


def test_a_lying_figure_gets_a_wide_frame_and_a_standing_one_a_tall_frame_each_filled():
    for pose, aspect in (({"base": "standing"}, "tall"), ({"base": "supine", "props": ["mat"]}, "wide")):
        root = parse(render_pose_svg(pose))
        width, height = int(root.get("width")), int(root.get("height"))
        assert root.get("data-aspect") == aspect
        x0, y0, x1, y1 = drawn_box(root)
        assert max((x1 - x0) / width, (y1 - y0) / height) >= 0.9
        assert x0 >= 0 and y0 >= 0 and x1 <= width and y1 <= height
        # Printed at one width, the figure covers at least twice as much of its frame as it
        # did of the one 3:2 frame every picture had (a lying one: twice, to rounding).
        a0, b0, a1, b1 = drawn_box(parse(render_pose_svg(pose, width=300, height=200)))
        assert (x1 - x0) * (y1 - y0) / (width * height) >= 1.9 * (a1 - a0) * (b1 - b0) / (300 * 200)


def test_a_frame_size_given_is_kept():
    svg = render_pose_svg({"base": "standing"}, width=300, height=200)
    root = parse(svg)
    assert (root.get("width"), root.get("height"), root.get("data-aspect")) == ("300", "200", None)
    assert aspect_of(svg) is None
    assert aspect_of(render_pose_svg({"base": "standing"})) == "tall"


# --- the catalogue ----------------------------------------------------------------------------

# Held positions one picture says all about; every exercise whose steps describe a movement
# shows where it starts and where it ends.
# Continuous movements drawn as the posture they keep (one still picture): tracing letters with
# the foot, picking up marbles, walking on heels or toes, walking and turning.
POSTURE = {"ankle-alphabet", "marble-pickup", "heel-walking", "toe-walking", "walking-and-turning"}
# A sequence of positions, each its own picture and none the start of the next.
POSITIONS = {"cat-camel", "forearm-rotation", "grip-squeeze", "tendon-glides", "finger-opposition"}


def test_each_exercise_pictures_its_movement():
    """A hold (a duration or a hold time) is one picture; a movement is a start and an end showing
    the start as a ghost, or one picture holding both; a sequence shows each position."""
    for exercise in CATALOGUE["exercises"]:
        slug, pictures, dose = exercise["slug"], exercise["pictures"], exercise["dose"]
        if len(pictures) == 1:
            held = dose.get("duration_seconds") or dose.get("hold_seconds")
            assert held or pictures[0]["pose"].get("ghost") or slug in POSTURE, slug
            continue
        assert "ghost" not in pictures[0]["pose"], slug
        if slug not in POSITIONS:
            assert len(pictures) == 2 and pictures[1]["pose"].get("ghost"), slug


@pytest.mark.parametrize(("exercise", "picture"), PICTURES)
def test_catalogue_picture_keeps_the_facts_its_steps_state(exercise, picture):
    assert picture["caption"] and len(picture["caption"]) <= 60
    assert 20 <= len(picture["alt_text"]) <= 300
    pose = validate_pose(picture["pose"])
    assert pose["constraints"], "every picture states what it shows"
    assert pose_problems(picture["pose"]) == []  # its constraints, and nothing through floor or props


@pytest.mark.parametrize(("exercise", "picture"), PICTURES)
def test_catalogue_picture_fills_its_frame(exercise, picture):
    root = parse(render_pose_svg(picture["pose"], mirror=picture["mirror"]))
    x0, y0, x1, y1 = drawn_box(root)
    if picture["pose"].get("frame") == "upper-body":
        # The legs and seat run off the frame's edge; what is fitted is the upper body.
        upper = ET.Element("svg")
        upper.extend(el for el in root if {"head", "trunk", "arm_near", "arm_far"} & set(el.get("class", "").split()))
        x0, y0, x1, y1 = drawn_box(upper)
    if picture["pose"].get("frame") in ("hand", "forearm"):
        # The hands that move (or the near one), drawn large, are what is fitted, with what they
        # hold (and their forearms); the body runs off the frame's edge.
        frame = picture["pose"]["frame"]
        sides = [limb[4:] for limb in picture["pose"].get("moving", []) if limb.startswith("arm_")] or ["near"]
        close = ET.Element("svg")
        close.extend(el for el in root if fitted_in_hand_frame(el.get("class", ""), sides, frame))
        x0, y0, x1, y1 = drawn_box(close)
    width, height = float(root.get("width")), float(root.get("height"))
    assert max((x1 - x0) / width, (y1 - y0) / height) >= 0.85
    assert x0 >= -0.5 and y0 >= -0.5 and x1 <= width + 0.5 and y1 <= height + 0.5  # and stays inside it
