"""Unit tests for the pose renderer (pure Python: no database, no Django)."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from exercises.poses import (
    BASES,
    JOINT_LIMITS,
    PROPS,
    PoseError,
    contact_sheet_html,
    render_pose_svg,
    validate_pose,
)

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED_TAGS = {f"{SVG}{tag}" for tag in ("svg", "path", "line", "circle", "ellipse", "rect", "polygon")}
CATALOGUE = Path(__file__).resolve().parents[2] / "exercises" / "catalogue"

LEG_LIFT = {
    "base": "prone",
    "prop": "mat",
    "joints": {"hip_far": -20},
    "moving": ["leg_far"],
    "arrow": {"limb": "leg_far", "direction": "up"},
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def numbers(value: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", value)]


@pytest.mark.parametrize("prop", PROPS)
@pytest.mark.parametrize("base", BASES)
def test_every_base_and_prop_renders_wellformed_svg(base, prop):
    svg = render_pose_svg({"base": base, "prop": prop})
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 300 200"
    assert (root.get("width"), root.get("height"), root.get("role")) == ("300", "200", "img")
    assert {el.tag for el in root.iter()} <= ALLOWED_TAGS
    assert root.find(f"{SVG}circle[@class='head body head']") is not None
    for el in list(root.iter())[1:]:
        assert not any("href" in name or name.startswith("on") for name in el.attrib)
        for name in ("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "width", "height", "r"):
            if name in el.attrib:
                assert re.fullmatch(r"-?\d+\.\d", el.get(name)), (name, el.get(name))


def test_the_figure_stays_in_the_frame():
    for base in BASES:
        root = parse(render_pose_svg({"base": base, "prop": "mat"}))
        for circle in root.iter(f"{SVG}circle"):
            assert 0 <= float(circle.get("cx")) <= 300
            assert 0 <= float(circle.get("cy")) <= 200


def test_body_rests_on_the_floor_and_nothing_goes_through_it():
    root = parse(render_pose_svg({"base": "supine", "prop": "none", "joints": {"hip": 45, "knee": 90}}))
    floor_y = float(root.find(f"{SVG}line[@class='floor']").get("y1"))
    lowest = 0.0
    for el in root.iter():
        cls = el.get("class", "")
        if el.tag == f"{SVG}line" and ("near" in cls or "far" in cls or "body" in cls):
            half = float(el.get("stroke-width")) / 2
            lowest = max(lowest, float(el.get("y1")) + half, float(el.get("y2")) + half)
    # Outlines are part of the drawing, so the lowest edge may sit on the line by its width.
    assert abs(lowest - floor_y) < 2.5


def test_output_is_deterministic():
    assert render_pose_svg(LEG_LIFT) == render_pose_svg(json.loads(json.dumps(LEG_LIFT)))
    assert render_pose_svg(LEG_LIFT, mirror=True) == render_pose_svg(LEG_LIFT, mirror=True)


def test_mirroring_reflects_every_x_coordinate_about_the_centre():
    plain = parse(render_pose_svg(LEG_LIFT, width=300, height=200))
    mirrored = parse(render_pose_svg(LEG_LIFT, mirror=True, width=300, height=200))
    assert ET.tostring(plain) != ET.tostring(mirrored)
    pairs = list(zip(plain.iter(), mirrored.iter(), strict=True))
    for a, b in pairs:
        assert a.tag == b.tag and a.get("class") == b.get("class")
        for name in ("x1", "x2", "cx"):
            if name in a.attrib:
                assert float(b.get(name)) == pytest.approx(300 - float(a.get(name)), abs=0.05)
        for name in ("y1", "y2", "cy", "r"):
            assert a.get(name) == b.get(name)
        if a.tag == f"{SVG}rect":
            right = float(a.get("x")) + float(a.get("width"))
            assert float(b.get("x")) == pytest.approx(300 - right, abs=0.15)
    head = plain.find(f"{SVG}circle[@class='head body head']")
    assert float(head.get("cx")) > 150  # prone: head to the right unless mirrored


def test_mirroring_twice_is_the_identity_on_coordinates():
    once = parse(render_pose_svg(LEG_LIFT, mirror=True))
    plain = parse(render_pose_svg(LEG_LIFT))
    for a, b in zip(plain.iter(f"{SVG}circle"), once.iter(f"{SVG}circle"), strict=True):
        assert 300 - (300 - float(a.get("cx"))) == pytest.approx(300 - float(b.get("cx")), abs=0.05)


def test_moving_limb_is_emphasised():
    root = parse(render_pose_svg(LEG_LIFT))
    moving = [el for el in root.iter() if "moving" in el.get("class", "").split()]
    assert moving and all("leg_far" in el.get("class") for el in moving)
    strokes = {el.get("stroke") for el in moving if el.get("stroke")}
    assert "#e8590c" in strokes
    # The emphasised outline is thicker than the same part drawn still.
    still = parse(render_pose_svg({**LEG_LIFT, "moving": []}))

    def outline_width(tree):
        return max(
            float(el.get("stroke-width"))
            for el in tree.iter(f"{SVG}line")
            if "leg_far" in el.get("class", "") and "thigh" in el.get("class", "")
        )

    assert outline_width(root) > outline_width(still)
    assert not [el for el in still.iter() if "moving" in el.get("class", "")]


def test_arrow_is_drawn_only_when_asked():
    with_arrow = parse(render_pose_svg(LEG_LIFT))
    arrows = [el for el in with_arrow.iter() if el.get("class") == "arrow"]
    assert {el.tag for el in arrows} == {f"{SVG}line", f"{SVG}polygon"}
    shaft = next(el for el in arrows if el.tag == f"{SVG}line")
    assert float(shaft.get("y2")) < float(shaft.get("y1"))  # "up" points up the page
    without = parse(render_pose_svg({k: v for k, v in LEG_LIFT.items() if k != "arrow"}))
    assert not [el for el in without.iter() if el.get("class") == "arrow"]


def test_validate_fills_defaults_and_sided_shorthand():
    pose = validate_pose({"base": "supine", "joints": {"hip": 45, "knee": 90, "knee_far": 10}})
    assert pose["prop"] == "none"
    assert pose["joints"]["hip_near"] == pose["joints"]["hip_far"] == 45
    assert (pose["joints"]["knee_near"], pose["joints"]["knee_far"]) == (90, 10)
    assert pose["joints"]["ankle_near"] == 90
    assert pose["moving"] == [] and pose["arrow"] is None
    assert set(pose["joints"]) == set(JOINT_LIMITS)
    assert validate_pose(pose) == pose  # normalising twice changes nothing


def test_knee_bending_backwards_is_refused_naming_the_joint():
    with pytest.raises(PoseError, match="knee_near"):
        validate_pose({"base": "standing", "joints": {"knee_near": -10}})
    with pytest.raises(PoseError, match=r"joints\.knee"):
        validate_pose({"base": "standing", "joints": {"knee": -5}})


@pytest.mark.parametrize(
    ("joints", "name"),
    [
        ({"elbow_far": 170}, "elbow_far"),
        ({"hip_near": 150}, "hip_near"),
        ({"neck": -90}, "neck"),
        ({"ankle_far": 30}, "ankle_far"),
        ({"shoulder_near": "90"}, "shoulder_near"),
        ({"knee_far": True}, "knee_far"),
        ({"knee_far": float("nan")}, "knee_far"),
        ({"wrist_near": 10}, "wrist_near"),
    ],
)
def test_bad_joint_values_are_refused(joints, name):
    with pytest.raises(PoseError, match=name):
        validate_pose({"base": "standing", "joints": joints})


@pytest.mark.parametrize(
    ("pose", "field"),
    [
        ({"base": "handstand"}, "base"),
        ({"prop": "mat"}, "base"),
        ({"base": "sitting", "prop": "sofa"}, "prop"),
        ({"base": "sitting", "colour": "red"}, "colour"),
        ({"base": "sitting", "moving": ["tail"]}, "moving"),
        ({"base": "sitting", "arrow": {"limb": "arm_near", "direction": "sideways"}}, "arrow.direction"),
        ({"base": "sitting", "contacts": {"feet": "prop"}}, "contacts.feet"),
        ({"base": "sitting", "contacts": {"nose": "floor"}}, "contacts"),
    ],
)
def test_unknown_fields_and_values_are_refused(pose, field):
    with pytest.raises(PoseError, match=re.escape(field)):
        validate_pose(pose)


def test_pose_error_is_a_value_error():
    assert issubclass(PoseError, ValueError)
    with pytest.raises(ValueError):
        render_pose_svg({"base": "upside-down"})


def test_contact_sheet_escapes_titles():
    page = contact_sheet_html([("Knee <b>&</b> hip", [render_pose_svg({"base": "standing"})])])
    assert "Knee &lt;b&gt;&amp;&lt;/b&gt; hip" in page
    assert page.count("<svg") == 1


# Held positions that one picture says all about; every other exercise shows start and finish.
ONE_PICTURE = {
    "prone-lying", "abdominal-bracing", "pelvic-tilt", "seated-rotation-stretch", "single-leg-stance",
    "neck-rolls", "self-hug-stretch",
}


def test_every_catalogue_exercise_has_valid_pictures_and_movements_have_two():
    catalogue = json.loads((CATALOGUE / "catalogue.json").read_text())
    for exercise in catalogue["exercises"]:
        pictures = exercise["pictures"]
        slug = exercise["slug"]
        assert len(pictures) == (1 if slug in ONE_PICTURE else 2), slug
        for picture in pictures:
            assert picture["caption"] and len(picture["caption"]) <= 60, slug
            assert 20 <= len(picture["alt_text"]) <= 300, slug
            parse(render_pose_svg(picture["pose"], mirror=picture.get("mirror", False)))
