"""The props of the lower-body and falls exercises stand where the steps put them, at real sizes:
a kitchen bench at about 90 cm, stairs with a rail under the hand, a chair with arms, a golf
ball under the arch, marbles and a bowl by the foot."""

import pytest

from exercises.pictures.poses import pose_problems, render_pose_svg, validate_pose
from exercises.pictures.props import kinds
from exercises.pictures.props.kitchen_bench import HIGHEST, LOWEST
from exercises.pictures.props.stairs import RISE
from exercises.pictures.scene import build_scene

FRONT = {"shoulder": 25, "elbow": 20}
SIDE = {"elbow_far": 10, "shoulder_abduction_far": 30, "shoulder_far": 10}
SEAT = {"hip": 85, "knee": 90, "ankle": 84, "elbow": 55, "shoulder": 25}


def _solids(pose, kind):
    return build_scene(validate_pose(pose)).solids_of(kind)


def _top(solids):
    return max(max(s.a[1], s.b[1]) for s in solids)


def test_the_new_props_are_registered():
    assert {"kitchen-bench", "stairs", "armchair", "golf-ball", "marbles"} <= set(kinds())


@pytest.mark.parametrize("joints", [FRONT, SIDE])
def test_a_kitchen_bench_is_held_at_kitchen_height(joints):
    at = "hands" if joints is FRONT else "hand_far"
    pose = {
        "base": "standing",
        "joints": joints,
        "props": [{"kind": "kitchen-bench", "at": at}],
        "constraints": [{"says": "hand on the bench", "touch": [at, "kitchen-bench"]}],
    }
    assert pose_problems(pose) == []
    assert LOWEST <= _top(_solids(pose, "kitchen-bench")) <= HIGHEST


def test_a_bench_held_in_front_stands_in_front_and_one_held_at_the_side_runs_beside():
    front = _solids(
        {"base": "standing", "joints": FRONT, "props": [{"kind": "kitchen-bench", "at": "hands"}]}, "kitchen-bench"
    )
    side = _solids(
        {"base": "standing", "joints": SIDE, "props": [{"kind": "kitchen-bench", "at": "hand_far"}]}, "kitchen-bench"
    )
    assert min(min(s.a[0], s.b[0]) for s in front) > 15  # ahead of the toes' line, away from the body
    assert max(max(s.a[2], s.b[2]) for s in side) < -30  # beyond the far shoulder
    assert all(s.layer == "background" for s in side)


def test_a_bench_too_low_for_the_hand_is_not_raised_past_kitchen_height():
    pose = {"base": "standing", "props": [{"kind": "kitchen-bench", "at": "hand_far"}]}
    # Arms hanging: the hand is at about 80 cm, below any kitchen bench, so the hand meets it.
    assert any("kitchen-bench" in p for p in pose_problems(pose))


def test_stairs_rise_away_and_the_rail_is_under_the_hand():
    pose = {
        "base": "standing",
        "joints": {
            "hip_near": 45,
            "knee_near": 55,
            "ankle_near": 100,
            "hip_far": -12,
            "ankle_far": 82,
            "shoulder_far": 35,
            "elbow_far": 40,
            "shoulder_abduction_far": 20,
        },
        "contacts": {"foot_near": "stairs", "foot_far": "floor"},
        "props": [{"kind": "stairs", "at": "foot_near"}],
        "constraints": [
            {"says": "foot on the first stair", "touch": ["heel_near", "stairs"]},
            {"says": "holding the rail", "touch": ["hand_far", "stairs"]},
        ],
    }
    assert pose_problems(pose) == []
    solids = _solids(pose, "stairs")
    stairs = sorted((s for s in solids if s.name.startswith("stair")), key=lambda s: s.name)
    assert [s.b[1] for s in stairs] == [RISE, 2 * RISE, 3 * RISE]
    assert stairs[0].a[0] < stairs[1].a[0] < stairs[2].a[0]
    rail = next(s for s in solids if s.name == "rail")
    assert rail.b[1] > rail.a[1]  # it rises with the flight


def test_sitting_in_a_chair_with_arms_and_standing_up_in_front_of_it():
    sitting = {
        "base": "sitting",
        "joints": {"hip": 85, "knee": 90, "ankle": 84, "trunk": 25, "shoulder": -15, "elbow": 75},
        "contacts": {"buttocks": "armchair"},
        "props": ["armchair"],
        "constraints": [{"says": "hands on the chair arms", "touch": ["hand_far", "armchair"]}],
    }
    standing = {
        "base": "sitting",
        "joints": {"hip": 0, "knee": 0, "trunk": 0},
        "contacts": {"feet": "floor"},
        "props": ["armchair"],
    }
    assert pose_problems(sitting) == []
    assert pose_problems(standing) == []  # the seat is behind the calves, not through the legs


def test_a_golf_ball_is_under_the_arch_and_carries_the_foot():
    pose = {
        "base": "sitting",
        "joints": SEAT,
        "contacts": {"buttocks": "chair", "foot_near": "golf-ball"},
        "props": ["chair", {"kind": "golf-ball", "at": "foot_near"}],
        "constraints": [{"says": "foot on the ball", "touch": ["foot_near", "golf-ball"]}],
    }
    assert pose_problems(pose) == []
    (ball,) = _solids(pose, "golf-ball")
    assert ball.r == pytest.approx(2.15)


def test_marbles_and_a_bowl_sit_by_the_foot_and_draw():
    pose = {
        "base": "sitting",
        "joints": SEAT,
        "contacts": {"buttocks": "chair"},
        "props": ["chair", {"kind": "marbles", "at": "foot_near"}],
    }
    assert pose_problems(pose) == []
    names = [s.name for s in _solids(pose, "marbles")]
    assert names.count("marble") == 4 and "bowl" in names
    assert 'class="prop marbles bowl"' in render_pose_svg(pose)
