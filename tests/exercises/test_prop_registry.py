"""Props live in a registry: adding one is one dataclass with a placing method, registered,
and validation, layout and drawing take it from there with no other edit."""

import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from exercises.pictures.poses import PoseError, pose_problems, render_pose_svg, validate_pose
from exercises.pictures.props import PROPS, Prop, Scene, Solid, kinds, register
from exercises.pictures.scene import build_scene

ROLLER_RADIUS = 7.5


@dataclass(frozen=True)
class FoamRoller(Prop):
    """A 15 cm foam roller lying across the mat under the part it is at."""

    kind: str = "foam-roller"
    carries: float | None = 2 * ROLLER_RADIUS
    on_mat: bool = True
    needs_at: bool = True
    fill: str = "#ffd8a8"

    def place(self, scene: Scene, item: dict, *, at: str | None, carrying: str | None) -> None:
        x, _, z = scene.lowest(at)
        y = scene.floor + ROLLER_RADIUS
        scene.solids.append(Solid(self.kind, "roller", "rod", (x, y, z - 45), (x, y, z + 45), ROLLER_RADIUS))


@pytest.fixture
def foam_roller():
    saved = dict(PROPS)
    register(FoamRoller())
    yield
    PROPS.clear()
    PROPS.update(saved)


ON_THE_ROLLER = {
    "base": "supine",
    "props": ["mat", {"kind": "foam-roller", "at": "upper_back"}],
    "joints": {"hip": 60, "knee": 90},
    "contacts": {"upper_back": "foam-roller", "feet": "floor"},
    "constraints": [{"says": "upper back on the roller", "touch": ["upper_back", "foam-roller"]}],
}


def test_the_registry_knows_every_prop_the_engine_draws():
    assert kinds() == (
        "ankle-weight",
        "ball",
        "band",
        "bed",
        "bench",
        "chair",
        "door-anchor",
        "doorway",
        "dumbbell",
        "hand-ball",
        "hand-weight",
        "leg-curl-machine",
        "leg-extension-machine",
        "mat",
        "pillow",
        "step",
        "stick",
        "table",
        "towel",
        "wall",
    )


def test_a_kind_is_registered_once():
    with pytest.raises(ValueError, match="already registered"):
        register(PROPS["ball"])


def test_an_unregistered_prop_is_refused():
    with pytest.raises(PoseError, match="props\\[2\\].kind"):
        validate_pose(ON_THE_ROLLER)


def test_a_registered_prop_is_validated_placed_carries_the_body_and_is_drawn(foam_roller):
    pose = validate_pose(ON_THE_ROLLER)
    assert pose["props"][1] == {"kind": "foam-roller", "at": "upper_back"}

    scene = build_scene(pose)
    (roller,) = scene.solids_of("foam-roller")
    assert roller.a[1] == pytest.approx(scene.floor + ROLLER_RADIUS)
    assert pose_problems(ON_THE_ROLLER) == []

    root = ET.fromstring(render_pose_svg(ON_THE_ROLLER))
    drawn = [el for el in root.iter() if el.get("class") == "prop foam-roller roller"]
    assert [el.get("stroke") for el in drawn] == ["#7b858f", "#ffd8a8"]  # outline, then its own fill


def test_validation_reads_what_the_registry_says_about_the_prop(foam_roller):
    with pytest.raises(PoseError, match="foam-roller is listed twice"):
        validate_pose(ON_THE_ROLLER | {"props": ["foam-roller", "foam-roller"]})
    with pytest.raises(PoseError, match='give the foam-roller an "at"'):
        validate_pose({"base": "supine", "props": ["foam-roller"]})
    with pytest.raises(PoseError, match="only a band or towel runs"):
        validate_pose({"base": "supine", "props": [{"kind": "foam-roller", "from": "hands", "to": "front"}]})
