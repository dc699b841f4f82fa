"""The catalogue's result cards are cached, keyed by all they show: never stale, never personal."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from exercises.models import ExercisePicture
from tests.factories import ExerciseFactory, ExercisePictureFactory

CATALOGUE = reverse("exercises:catalogue")


def card_of(client, name: str) -> str:
    html = client.get(CATALOGUE, {"q": name}).content.decode()
    start = html.index('<article class="card h-100 exercise-card">')
    return html[start : html.index("</article>", start)]


def test_a_cached_card_follows_every_change_it_shows(clinician_client):
    exercise = ExerciseFactory(name="Wall slide", summary="Slide the arms up the wall.", sets=2, reps=8)
    first = ExercisePictureFactory(exercise=exercise, order=1, alt_text="Standing at a wall.")
    assert "Wall slide" in card_of(clinician_client, "wall slide")

    exercise.name, exercise.sets = "Wall slide with lift-off", 3
    exercise.save()
    card = card_of(clinician_client, "wall slide")
    assert "Wall slide with lift-off" in card and "3 sets of 8" in card

    # The pictures change without the exercise being saved: new alt text, a new drawing, a new order.
    first.alt_text = "Back against a wall."
    first.save()
    assert 'alt="Back against a wall."' in card_of(clinician_client, "wall slide")
    first.mirror = True
    first.save()
    first.refresh_from_db()
    assert f'src="{first.url}"' in card_of(clinician_client, "wall slide")
    second = ExercisePictureFactory(exercise=exercise, order=2, alt_text="Arms overhead.")
    ExercisePicture.objects.filter(pk=second.pk).update(order=0)
    assert 'alt="Arms overhead."' in card_of(clinician_client, "wall slide")


def test_cards_are_rendered_once_and_hold_nothing_of_the_request(clinician_client, clinician, monkeypatch):
    for n in range(5):
        ExercisePictureFactory(exercise=ExerciseFactory(name=f"Heel raise {n}", other_names=f"Calf raise {n}"))
    fragments = caches["default"]
    real_set = fragments.set
    stored = {}

    def recording_set(key, value, *args, **kwargs):
        stored[key] = value
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(fragments, "set", recording_set)
    clinician_client.get(CATALOGUE, {"q": "calf raise"})
    assert len(stored) == 5
    first = dict(stored)
    again = clinician_client.get(CATALOGUE, {"q": "calf raise"}).content.decode()
    assert stored == first  # read from the cache, not rendered again
    assert again.count("exercise-card") == 5
    assert all(html in again for html in stored.values())
    for html in stored.values():
        assert "csrf" not in html.lower() and clinician.username not in html
        assert "Also called: Calf raise" in html


@pytest.mark.parametrize(("query", "also"), [("calf", "Calf raise"), ("heel", None)])
def test_the_same_card_says_what_each_search_matched(clinician_client, query, also):
    ExerciseFactory(name="Heel raise", other_names="Calf raise")
    card = card_of(clinician_client, "calf")  # cached with "Also called" first
    card = card_of(clinician_client, query)
    assert ("Also called: Calf raise" in card) == bool(also)
