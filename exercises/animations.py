"""Moving pictures of an exercise: its start and end pose pictures as a short loop of frames.

``exercises.pictures.animation`` draws the frames; this module says which pictures make a
movement (the first two, both drawn from a pose), versions them (a hash of both drawings and of
the animation's own format: a URL never changes meaning, so the frames are cached forever by
browsers and phones) and keeps the drawn frames in the shared cache, per version: every page,
link and patient showing that exercise shares them. An uploaded photo never moves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.urls import reverse

from exercises.models import ExercisePicture
from exercises.pictures.animation import FRAME_COUNT, AnimationError, can_animate, frames

# Bump when the frames of the same two pictures would be drawn differently.
ANIMATION_FORMAT = 1
FRAMES_CACHE_SECONDS = 7 * 24 * 60 * 60


@dataclass
class ExerciseMedia:
    """The exercise's pose pictures by drawing version (URL of each), and its movement's frames."""

    picture_urls: dict[str, str] = field(default_factory=dict)
    # The drawing versions of the start and end pictures the frames move between.
    movement: tuple[str, str] | None = None
    frame_urls: list[str] = field(default_factory=list)


def animation_version(start: ExercisePicture, end: ExercisePicture) -> str:
    stamp = f"{start.pk}:{start.svg_version}:{end.pk}:{end.svg_version}:{start.mirror}:{FRAME_COUNT}:{ANIMATION_FORMAT}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:12]


def movement_of(pictures: list[ExercisePicture]) -> tuple[ExercisePicture, ExercisePicture] | None:
    """The start and end pictures of the exercise's movement, or None (one picture, a photo, a still pose)."""
    if len(pictures) < 2:
        return None
    start, end = pictures[0], pictures[1]
    if start.image or end.image or not (start.pose and end.pose) or start.mirror != end.mirror:
        return None
    return (start, end) if can_animate(start.pose, end.pose) else None


def animation_frames(start: ExercisePicture, end: ExercisePicture) -> list[str]:
    """The movement's frames as SVG documents (drawn once per version, then from the cache)."""
    key = f"animation-frames:{animation_version(start, end)}"
    drawn = cache.get(key)
    if drawn is None:
        try:
            drawn = frames(start.pose, end.pose, mirror=start.mirror)
        except AnimationError:
            drawn = []
        cache.set(key, drawn, FRAMES_CACHE_SECONDS)
    return drawn


def exercise_media(exercise_ids) -> dict[int, ExerciseMedia]:
    """Each exercise's pictures and movement frames, by exercise pk: one query (the frames are cached)."""
    by_exercise: dict[int, list[ExercisePicture]] = {}
    for picture in ExercisePicture.objects.filter(exercise_id__in=list(exercise_ids)).order_by("order", "pk"):
        by_exercise.setdefault(picture.exercise_id, []).append(picture)
    media = {}
    for exercise_id, pictures in by_exercise.items():
        found = ExerciseMedia(picture_urls={p.svg_version: p.url for p in pictures if p.svg and not p.image})
        movement = movement_of(pictures)
        if movement is not None:
            start, end = movement
            drawn = animation_frames(start, end)
            if drawn:
                version = animation_version(start, end)
                found.movement = (start.svg_version, end.svg_version)
                found.frame_urls = [
                    reverse("exercises:picture-frame", args=[end.pk, version, n]) for n in range(len(drawn))
                ]
        media[exercise_id] = found
    return media
