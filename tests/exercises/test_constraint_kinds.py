"""The constraint kinds for what steps state that ``touch`` cannot say: which part rests on
what along its length (``rests``), what the hands hold (``holds``), what stays where it was
at the start (``stays``) and where a prop is (``placed``). Each is kept by a pose that does
what the words say and refused, naming the fact, by one that does not."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from exercises.pictures.poses import PoseError, pose_problems, validate_pose
from tests.exercises.test_picture_checks import catalogue

# Lying face down, elbows beside the shoulders and forearms flat forward on the floor.
ON_ELBOWS = {
    "base": "prone",
    "props": ["mat"],
    "contacts": {"belly": "floor", "forearms": "floor"},
    "joints": {"ankle": 170, "elbow": 90, "neck": -10, "shoulder": 90, "shoulder_abduction": 80},
}
# The first catalogue's drawing of it: arms overhead, the forearms standing up from the elbows.
FOREARMS_UP = {**ON_ELBOWS, "joints": {"ankle": 170, "elbow": 120, "neck": -10, "shoulder": 166}}


def problems_with(pose: dict, *constraints: dict) -> list[str]:
    return pose_problems({**pose, "constraints": list(constraints)})


# --- rests ---------------------------------------------------------------------------------------

FOREARM_FLAT = {"says": "forearms flat on the floor", "rests": ["forearm_near", "floor"]}


def test_rests_keeps_a_forearm_lying_on_the_floor():
    assert problems_with(ON_ELBOWS, FOREARM_FLAT) == []


def test_rests_refuses_a_forearm_that_touches_only_at_the_elbow():
    # touch is satisfied by the elbow alone; rests is not.
    assert problems_with(FOREARMS_UP, {"says": "forearm touches", "touch": ["forearm_near", "floor"]}) == []
    (problem,) = problems_with(FOREARMS_UP, FOREARM_FLAT)
    assert "'forearms flat on the floor'" in problem and "rests forearm_near / floor" in problem


def test_rests_says_which_part_stays_down_in_a_crunch():
    curl = {
        "base": "supine",
        "props": ["mat"],
        "contacts": {"pelvis": "floor", "feet": "floor"},
        "joints": {"ankle": 125, "hip": 50, "knee": 100, "neck": 20, "spine": 45, "trunk": 15}
        | {"elbow": 130, "shoulder": 30, "shoulder_rotation": 80},  # arms crossed over the chest
    }
    sit_up = {**curl, "joints": {**curl["joints"], "spine": 0, "trunk": 40}}
    down = {"says": "the lower back stays on the floor", "rests": ["lower_back", "floor"]}
    assert problems_with(curl, down) == []
    (problem,) = problems_with(sit_up, down)
    assert "the lower back stays on the floor" in problem


# --- holds ---------------------------------------------------------------------------------------

HIP_THRUST = {
    "base": "supine",
    "props": [{"at": "upper_back", "kind": "bench"}, {"at": "pelvis", "kind": "dumbbell"}],
    "contacts": {"buttocks": "floor", "feet": "floor"},
    "joints": {"ankle": 126, "elbow": 100, "hip": 28, "knee": 102, "neck": -12, "shoulder": 0, "trunk": 66},
}
HOLD_WEIGHT = {"says": "hold the weight across your hips", "holds": ["hands", "dumbbell"]}


def test_holds_keeps_both_hands_on_the_weight():
    assert problems_with(HIP_THRUST, HOLD_WEIGHT) == []


def test_holds_refuses_a_pose_where_one_hand_lets_go():
    one_arm_up = {**HIP_THRUST, "joints": {**HIP_THRUST["joints"], "shoulder_far": 150, "elbow_far": 0}}
    # One hand is still at the weight: touch (nearest sample) cannot tell, holds (each hand) can.
    assert problems_with(one_arm_up, {"says": "a hand at the weight", "touch": ["hands", "dumbbell"]}) == []
    (problem,) = problems_with(one_arm_up, HOLD_WEIGHT)
    assert "'hold the weight across your hips'" in problem and "the farther hand is" in problem


def test_holds_takes_a_towel_strap_or_a_body_part():
    towel = {
        "base": "supine",
        "props": ["mat", {"kind": "towel", "from": "hand_near", "to": "foot_near"}],
        "joints": {"hip_near": 80, "shoulder": 40, "elbow": 20},
    }
    assert problems_with(towel, {"says": "hold the towel", "holds": ["hand_near", "towel"]}) == []
    assert problems_with(towel, {"says": "both ends", "holds": ["hands", "towel"]})  # the far hand holds nothing
    with pytest.raises(PoseError, match=r"constraints\[1\]\.holds: 'knee_near' is not a known"):
        validate_pose({**towel, "constraints": [{"says": "x", "holds": ["knee_near", "towel"]}]})


# --- stays ---------------------------------------------------------------------------------------

CLAM = {
    "base": "side-lying",
    "camera": "above",
    "props": ["mat"],
    "contacts": {"lowest": "floor"},
    "joints": {"hip": 60, "knee": 100, "hip_open_near": 50},
    "ghost": {"joints": {"hip": 60, "knee": 100}},
}
FEET_TOGETHER = {"says": "keep your feet touching", "stays": ["ankle_near"]}


def test_stays_keeps_what_the_steps_keep_still():
    assert problems_with(CLAM, FEET_TOGETHER) == []


def test_stays_refuses_a_part_that_moved_from_the_start():
    kicked = {**CLAM, "joints": {**CLAM["joints"], "knee_near": 30}}
    (problem,) = problems_with(kicked, FEET_TOGETHER)
    assert "'keep your feet touching'" in problem and "it moved" in problem


def test_stays_needs_a_start_position():
    with pytest.raises(PoseError, match="only a picture with a start position"):
        validate_pose({**CLAM, "ghost": None, "constraints": [FEET_TOGETHER]})


# --- placed --------------------------------------------------------------------------------------

CURL = {
    "base": "supine",
    "props": ["mat", "ball"],
    "contacts": {"heels": "ball", "shoulders": "floor"},
    "joints": {"ankle": 152, "hip": 41, "knee": 68, "neck": 54, "shoulder": -57, "trunk": -37},
}
ROLLED_IN = {"says": "the ball rolled in near your bottom", "placed": ["ball", "buttocks"], "max": 68}


def test_placed_keeps_a_ball_rolled_in():
    assert problems_with(CURL, ROLLED_IN) == []


def test_placed_refuses_a_ball_left_out_at_the_legs_length():
    straight = {**CURL, "joints": {"ankle": 95, "hip": 0, "neck": 30, "shoulder": -33}}
    (problem,) = problems_with(straight, ROLLED_IN)
    assert "'the ball rolled in near your bottom'" in problem and "the centres are" in problem


def test_placed_names_a_prop_of_the_pose_and_a_bound():
    with pytest.raises(PoseError, match=r"'bench' is not a known"):
        validate_pose({**CURL, "constraints": [{**ROLLED_IN, "placed": ["bench", "buttocks"]}]})
    with pytest.raises(PoseError, match="give a min or a max"):
        validate_pose({**CURL, "constraints": [{"says": "x", "placed": ["ball", "buttocks"]}]})


# --- the import refuses a catalogue picture that breaks one ---------------------------------------


def test_import_refuses_a_side_plank_on_the_hand_naming_the_fact(db, tmp_path):
    document = copy.deepcopy(catalogue())
    number = next(n for n, e in enumerate(document["exercises"], 1) if e["slug"] == "side-plank")
    pose = document["exercises"][number - 1]["pictures"][1]["pose"]
    pose["joints"]["elbow_far"] = 20  # propped on a near-straight arm: the forearm is off the floor
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(document))

    with pytest.raises(CommandError) as raised:
        call_command("import_catalogue", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert "rest your forearm, not your hand, on the floor" in str(raised.value)
