"""Moving pictures: a movement's frames drawn from its start and end poses.

The pure part (``exercises.pictures.animation``) for every movement in the catalogue, then the
frames as the patient page loads them (``exercises.animations``, the frame view).
"""

from pathlib import Path

import pytest
from django.urls import reverse

from exercises.animations import animation_version, exercise_media
from exercises.pictures.animation import can_animate, frame_poses, frame_problems, frames
from exercises.pictures.poses import render_pose_svg
from exercises.services import bundled_catalogue
from tests.factories import ExerciseFactory, ExercisePictureFactory

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = bundled_catalogue()  # every file in exercises/catalogue/
# A movement: the first two pictures, both drawn from a pose the body can move between. Read
# from whatever the catalogue holds today: an exercise added tomorrow is checked the same way.
MOVEMENTS = [
    pytest.param(e["pictures"][0], e["pictures"][1], id=e["slug"])
    for e in CATALOGUE["exercises"]
    if e["status"] == "published"
    and len(e["pictures"]) >= 2
    and not (e["pictures"][0].get("image") or e["pictures"][1].get("image"))
    and can_animate(e["pictures"][0]["pose"], e["pictures"][1]["pose"])
]
# Four frames (two between the ends) keep this quick; the page's frames are drawn the same way.
FEW = 4


def test_most_of_the_catalogue_moves():
    # A draft may still change its props between its pictures (single-leg sit to stand: a chair,
    # then an armchair); what patients see moves.
    two_pictures = [e for e in CATALOGUE["exercises"] if e["status"] == "published" and len(e["pictures"]) >= 2]
    assert len(MOVEMENTS) == len(two_pictures) > 40


@pytest.mark.parametrize(("start", "end"), MOVEMENTS)
def test_frames_run_from_the_start_picture_to_the_end_picture_and_break_no_constraint(start, end):
    mirror = bool(start.get("mirror"))
    drawn = frames(start["pose"], end["pose"], mirror=mirror, count=FEW)
    assert drawn[0] == render_pose_svg(start["pose"], mirror=mirror)
    assert drawn[-1] == render_pose_svg(end["pose"], mirror=mirror)
    between = frame_poses(start["pose"], end["pose"], FEW)
    assert len(drawn) == len(between) + 2
    for pose in between:
        # Nothing through the floor or a prop, and what both pictures state holds throughout.
        assert frame_problems(pose) == []
    assert len(set(drawn)) == len(drawn)  # every frame shows the body somewhere else


def test_a_still_pose_or_a_change_of_base_does_not_move():
    lying = {"base": "supine", "props": ["mat"]}
    assert not can_animate(lying, lying)
    assert not can_animate(lying, {"base": "prone", "props": ["mat"]})
    assert not can_animate(lying, {"base": "supine", "props": ["mat", "ball"], "joints": {"knee": 40}})


@pytest.mark.django_db
def test_frames_are_served_forever_by_version_and_a_photo_stays_still(client):
    bridge = next(e for e in CATALOGUE["exercises"] if e["slug"] == "bridge")
    exercise = ExerciseFactory(slug="bridge")
    start, end = (
        ExercisePictureFactory(exercise=exercise, order=n, pose=p["pose"], alt_text=p["alt_text"])
        for n, p in enumerate(bridge["pictures"])
    )
    media = exercise_media([exercise.pk])[exercise.pk]
    assert media.movement == (start.svg_version, end.svg_version)
    version = animation_version(start, end)
    assert media.frame_urls[0] == reverse("exercises:picture-frame", args=[end.pk, version, 0])

    first = client.get(media.frame_urls[0])
    assert first.status_code == 200
    assert first["Content-Type"] == "image/svg+xml"
    assert "immutable" in first["Cache-Control"]
    assert first.content.decode() == start.svg
    assert client.get(media.frame_urls[-1]).content.decode() == end.svg
    # A changed drawing is another version: the old URL no longer answers.
    assert client.get(reverse("exercises:picture-frame", args=[end.pk, "0" * 12, 0])).status_code == 404
    assert client.get(reverse("exercises:picture-frame", args=[end.pk, version, 99])).status_code == 404

    photo = ExerciseFactory(slug="photo")
    ExercisePictureFactory(exercise=photo, order=0, pose=bridge["pictures"][0]["pose"])
    ExercisePictureFactory(exercise=photo, order=1, pose=None, image="exercise-pictures/end.png")
    assert exercise_media([photo.pk])[photo.pk].frame_urls == []
