"""The upper body's pictures: the hand frame (fingers, thumb, wrist and forearm turn) and the
props the shoulder and hand exercises need (a band shut in a door, a stick, a table or bed
edge, a bed, a light hand weight). Pure Python: no database."""

import json
from pathlib import Path

import pytest

from exercises.pictures.poses import PoseError, pose_problems, render_pose_svg, validate_pose
from exercises.pictures.props import kinds
from exercises.pictures.scene import build_scene
from exercises.pictures.skeleton import JOINT_DEFAULTS, skeleton
from exercises.pictures.vectors import dot, length, sub

ROOT = Path(__file__).resolve().parents[2]
UPPER_BODY_FILES = ("shoulder.json", "elbow-wrist-hand.json", "neck.json", "upper-back.json")


def points(**joints):
    return skeleton({**JOINT_DEFAULTS, **joints}).points


def distance(a, b):
    return length(sub(a, b))


def test_hand_angles_at_zero_leave_the_hand_where_it_was():
    # Drawings made before the hand had joints keep their hand point: 4.5 cm past the wrist.
    p = points(elbow_near=40, shoulder_near=30)
    assert distance(p["hand_near"], p["wrist_near"]) == pytest.approx(4.5)
    elbow_to_wrist = sub(p["wrist_near"], p["elbow_near"])
    wrist_to_hand = sub(p["hand_near"], p["wrist_near"])
    assert dot(elbow_to_wrist, wrist_to_hand) == pytest.approx(length(elbow_to_wrist) * 4.5)


def test_forearm_turn_faces_the_palm_down_or_up():
    down = skeleton({**JOINT_DEFAULTS, "elbow_near": 90, "forearm_turn_near": 90}).axes["palm_n_near"]
    up = skeleton({**JOINT_DEFAULTS, "elbow_near": 90, "forearm_turn_near": -90}).axes["palm_n_near"]
    assert down[1] == pytest.approx(-1, abs=1e-6)
    assert up[1] == pytest.approx(1, abs=1e-6)


def test_wrist_bend_lifts_the_back_of_a_palm_down_hand():
    p = points(elbow_near=90, forearm_turn_near=90, wrist_bend_near=-60)
    assert p["middle_tip_near"][1] - p["wrist_near"][1] > 10  # fingers point up: the wrist bent back


def test_a_fist_curls_the_fingertips_into_the_palm():
    p = points(knuckles_near=90, finger_bend_near=100, fingertip_bend_near=60)
    assert distance(p["middle_tip_near"], p["palm_near"]) < 3
    straight = points()
    assert distance(straight["middle_tip_near"], straight["knuckles_near"]) > 9


def test_thumb_across_the_palm_meets_the_little_finger():
    p = points(thumb_across_near=100)
    assert distance(p["thumb_tip_near"], p["little_tip_near"]) < 2.5
    assert distance(points()["thumb_tip_near"], points()["little_tip_near"]) > 8


def test_hand_joints_have_anatomical_limits():
    with pytest.raises(PoseError, match="knuckles"):
        validate_pose({"base": "standing", "joints": {"knuckles": 120}})
    with pytest.raises(PoseError, match="thumb_across"):
        validate_pose({"base": "standing", "joints": {"thumb_across_near": -5}})


def test_the_hand_frame_draws_each_finger_and_fits_the_hand():
    pose = {
        "base": "sitting",
        "props": ["chair"],
        "frame": "hand",
        "joints": {"elbow_near": 90, "shoulder": 25, "elbow_far": 55, "forearm_turn_near": -90, "knuckles_near": 80},
    }
    svg = render_pose_svg(pose)
    assert svg.count("hand-detail-near finger index") == 6  # three bones, outline and fill
    assert "finger thumb" in svg and "palm" in svg
    assert "finger" not in render_pose_svg({**pose, "frame": "whole"})  # other frames keep the round hand


def test_cross_body_joint_takes_the_arm_across_the_chest():
    p = points(shoulder_near=90, shoulder_across_near=45)
    assert p["elbow_near"][2] < p["shoulder_near"][2] - 15


@pytest.mark.parametrize("kind", ["bed", "door-anchor", "hand-weight", "stick", "table"])
def test_the_upper_body_props_are_registered(kind):
    assert kind in kinds()


def test_a_band_shut_in_a_door_beside_the_body():
    pose = validate_pose(
        {
            "base": "standing",
            "joints": {"elbow_near": 90},
            "props": [{"kind": "band", "from": "hand_near", "to": "far"}, "door-anchor"],
        }
    )
    scene = build_scene(pose)
    (door,) = scene.solids_of("door-anchor")
    (band,) = scene.straps
    assert door.b[1] - door.a[1] == pytest.approx(204)  # a real door's height
    assert band.b[2] < scene.extent(2)[0]  # anchored off the far side
    assert band.b[1] == pytest.approx(scene.body.points["hand_near"][1])  # level with the hand


def test_a_stick_is_held_in_both_hands():
    pose = {
        "base": "standing",
        "props": ["stick"],
        "joints": {"elbow": 90},
        "constraints": [
            {"says": "held", "touch": ["hand_near", "stick"]},
            {"says": "held", "touch": ["hand_far", "stick"]},
        ],
    }
    assert pose_problems(pose) == []
    (stick,) = build_scene(validate_pose(pose)).solids_of("stick")
    assert distance(stick.a, stick.b) >= 100


def test_a_table_stops_short_of_an_arm_hanging_beside_it():
    pose = {
        "base": "standing",
        "props": [{"kind": "table", "at": "hand_far"}],
        "joints": {"trunk": 75, "knee": 10, "shoulder_near": 75, "shoulder_far": 127, "elbow_far": 10},
        "contacts": {"feet": "floor"},
        "constraints": [{"says": "hand on the table", "touch": ["hand_far", "table"]}],
    }
    assert pose_problems(pose) == []  # the hanging arm does not pass through the table
    top = next(s for s in build_scene(validate_pose(pose)).solids_of("table") if s.name == "top")
    assert 45 <= top.b[1] <= 76


def test_a_bed_leaves_the_near_arm_free_to_hang():
    pose = {
        "base": "prone",
        "props": ["bed"],
        "contacts": {"belly": "bed"},
        "joints": {"shoulder_near": 90, "neck": -20},
        "constraints": [{"says": "lying on the bed", "touch": ["belly", "bed"]}],
    }
    assert pose_problems(pose) == []
    assert build_scene(validate_pose(pose)).body.points["hand_near"][1] < 55


def test_a_hand_weight_sits_in_the_fist():
    pose = {
        "base": "standing",
        "props": [{"kind": "hand-weight", "at": "hand_near"}],
        "joints": {"elbow_near": 90, "knuckles_near": 80, "finger_bend_near": 90},
        "constraints": [{"says": "holding a weight", "touch": ["hand_near", "hand-weight"]}],
    }
    assert pose_problems(pose) == []


def _upper_body_records():
    for name in UPPER_BODY_FILES:
        path = ROOT / "exercises" / "catalogue" / name
        if path.exists():
            yield from json.loads(path.read_text(encoding="utf-8"))["exercises"]


PICTURES = [
    pytest.param(picture, id=f"{record['slug']}-{number}")
    for record in _upper_body_records()
    for number, picture in enumerate(record["pictures"], start=1)
]


@pytest.mark.parametrize("picture", PICTURES)
def test_upper_body_pictures_keep_their_steps_facts(picture):
    assert picture["pose"]["constraints"]
    assert pose_problems(picture["pose"]) == []


def test_upper_body_records_are_complete():
    for record in _upper_body_records():
        for field in ("source", "purpose", "conditions", "movements", "body_regions", "equipment", "cautions"):
            assert record[field], (record["slug"], field)
        assert len(record["steps"]) >= 3, record["slug"]
        assert record["dose"]["reps"] or record["dose"]["hold_seconds"], record["slug"]
        assert record["status"] == "published", record["slug"]
