import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from exercises.forms import CatalogueSearchForm
from exercises.models import BodyRegion, Exercise, Status, normalize_search_text
from tests.factories import ExerciseFactory, ExercisePictureFactory

CATALOGUE = reverse("exercises:catalogue")


@pytest.fixture
def bundled_catalogue(db):
    call_command("import_catalogue", stdout=io.StringIO())


def found(**params) -> list[str]:
    form = CatalogueSearchForm(params)
    return list(form.results().values_list("slug", flat=True))


@pytest.mark.parametrize("query", ["prone hip extension", "PRONE leg lift", "leg lift prone", "Pronë  leg-lift"])
def test_names_in_any_case_accent_or_word_order_find_the_prone_leg_lift(bundled_catalogue, query):
    assert "prone-hip-extension" in found(q=query)


def test_search_by_muscle_finds_exercises_that_work_it(bundled_catalogue):
    results = found(q="gluteus maximus")

    assert "prone-hip-extension" in results
    assert "single-leg-bridge" in results


def test_filters_combine_with_each_other_and_the_search(bundled_catalogue):
    prone_mobility = found(position="prone", kind="mobility")
    assert {"prone-lying", "prone-on-elbows", "prone-press-up"} <= set(prone_mobility)
    for exercise in Exercise.objects.filter(slug__in=prone_mobility):
        assert (exercise.position, exercise.kind) == ("prone", "mobility")

    with_ball = found(equipment="ball", region="hip")
    assert with_ball
    assert set(with_ball) == set(
        Exercise.objects.published()
        .filter(equipment__slug="ball", body_regions__slug="hip")
        .values_list("slug", flat=True)
    )

    every_filter = found(q="leg lift", position="prone", kind="strengthening", region="hip")
    assert "prone-hip-extension" in every_filter
    assert every_filter == [
        slug for slug in found(q="leg lift", position="prone") if slug in found(kind="strengthening", region="hip")
    ]
    standing = found(q="leg lift", position="standing")
    assert "prone-hip-extension" not in standing
    assert set(Exercise.objects.filter(slug__in=standing).values_list("position", flat=True)) <= {"standing"}


def test_clinician_sees_published_exercises_only(clinician_client):
    ExerciseFactory(name="Wall slide", slug="wall-slide")
    ExerciseFactory(name="Wall sit draft", slug="wall-sit", status=Status.DRAFT)
    ExerciseFactory(name="Wall push retired", slug="wall-push", status=Status.RETIRED)

    response = clinician_client.get(CATALOGUE, {"q": "wall"})

    assert response.status_code == 200
    assert "Wall slide" in response.text
    assert "Wall sit draft" not in response.text
    assert "Wall push retired" not in response.text
    assert clinician_client.get(reverse("exercises:exercise-detail", args=["wall-slide"])).status_code == 200
    assert clinician_client.get(reverse("exercises:exercise-detail", args=["wall-sit"])).status_code == 404
    assert clinician_client.get(reverse("exercises:exercise-detail", args=["wall-push"])).status_code == 404


def test_card_shows_picture_summary_and_dose_in_plain_language(clinician_client):
    picture = ExercisePictureFactory(
        exercise=ExerciseFactory(
            name="Bridge", summary="Lift your hips off the floor.", sets=2, reps=10, hold_seconds=5
        )
    )

    response = clinician_client.get(CATALOGUE, {"q": "bridge"})

    assert f'src="{picture.url}"' in response.text
    assert 'alt="Lying on the back with knees bent."' in response.text
    assert "Lift your hips off the floor." in response.text
    assert "2 sets of 10 · hold 5 seconds · once a day · every day" in response.text


def test_htmx_search_returns_only_the_results(clinician_client):
    ExerciseFactory(name="Cat-camel", other_names="Cat-cow")

    response = clinician_client.get(
        CATALOGUE, {"q": "cat cow"}, headers={"HX-Request": "true", "HX-Target": "catalogue-results"}
    )

    assert response.status_code == 200
    assert "Cat-camel" in response.text
    assert "<html" not in response.text
    assert 'role="search"' not in response.text
    assert "1 exercise" in response.text


def test_full_page_keeps_the_search_in_the_form(clinician_client):
    ExerciseFactory(name="Cat-camel")

    response = clinician_client.get(CATALOGUE, {"q": "camel", "position": "quadruped"})

    assert 'value="camel"' in response.text
    assert '<option value="quadruped" selected>' in response.text


def _catalogue_with(count: int) -> None:
    for n in range(count):
        ExercisePictureFactory(exercise=ExerciseFactory(name=f"Bridge {n:02d}", slug=f"bridge-{n}"))


@pytest.mark.parametrize("count", [5, 60])
def test_catalogue_page_query_count_does_not_grow_with_results(clinician_client, django_assert_num_queries, count):
    _catalogue_with(count)
    clinician_client.get(CATALOGUE)  # warm up the session and ContentTypes

    # 1 session, 2 user, 3 count for the pager, 4 the user's memberships (navigation),
    # 5-6 the region and equipment choices, 7 the page of exercises, 8 their pictures (the
    # session is not written again: its idle expiry is renewed once a minute).
    with django_assert_num_queries(8):
        response = clinician_client.get(CATALOGUE, {"q": "bridge"})

    assert response.status_code == 200
    assert f"{count} exercises" in response.text


@pytest.mark.parametrize("count", [5, 60])
def test_detail_page_query_count_does_not_grow_with_related_rows(clinician_client, django_assert_num_queries, count):
    exercise = ExerciseFactory(name="Bridge", steps=[f"Step {n}." for n in range(count)])
    for n in range(count):
        ExercisePictureFactory(exercise=exercise, alt_text=f"Picture {n}")
        exercise.progressions.add(ExerciseFactory(name=f"Harder bridge {n:02d}"))
    url = exercise.get_absolute_url()
    clinician_client.get(url)

    # 1 session, 2 user, 3 the exercise, 4-9 its steps, pictures, body regions, equipment,
    # progressions and regressions, 10 the user's memberships (navigation).
    with django_assert_num_queries(10):
        response = clinician_client.get(url)

    assert response.status_code == 200
    assert f"Step {count - 1}." in response.text
    assert f"Harder bridge {count - 1:02d}" in response.text


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("knee to chest", "knee-to-chest"),
        ("pelvic tilt", "pelvic-tilt"),
        ("bridge", "bridge"),
        ("wall slide", "wall-slide"),
        ("bird dog", "bird-dog"),
        ("prone leg lift", "prone-hip-extension"),
        ("press-up", "prone-press-up"),
        ("neck rolls", "neck-rolls"),
        ("trunk rotation", "seated-rotation-stretch"),  # the AAOS name of the seated twist
        ("plank", "forearm-plank"),
    ],
)
def test_the_intended_exercise_comes_first(bundled_catalogue, query, first):
    assert found(q=query)[0] == first


def test_ranking_exact_name_then_other_name_then_prefix_then_contains_then_elsewhere(db):
    for name, other_names, muscles, summary in [
        ("Alpha stretch", "", "", "Move."),  # name starts with the phrase
        ("Deep alpha stretch", "", "", "Move."),  # name contains it
        ("Omega", "Alpha stretch hold", "", "Move."),  # an other name starts with it
        ("Zeta", "Sideways alpha stretch", "", "Move."),  # an other name contains it
        ("Beta", "", "", "An alpha movement with a stretch."),  # the words only in the summary
        ("Gamma", "Alpha", "", "Move."),  # an other name is exactly "alpha"
        ("Alpha", "", "", "Move."),  # the name is exactly "alpha"
    ]:
        ExerciseFactory(name=name, other_names=other_names, muscles=muscles, summary=summary)

    assert [e.name for e in CatalogueSearchForm({"q": "alpha stretch"}).results()] == [
        "Alpha stretch",
        "Omega",
        "Deep alpha stretch",
        "Zeta",
        "Beta",
    ]
    assert [e.name for e in CatalogueSearchForm({"q": "alpha"}).results()][:3] == ["Alpha", "Gamma", "Alpha stretch"]


def test_card_says_also_called_when_an_other_name_matched(clinician_client):
    ExerciseFactory(name="Forearm plank", other_names="Plank\nFront plank\nProne bridge")
    ExerciseFactory(name="Side plank", other_names="Lateral plank")

    response = clinician_client.get(CATALOGUE, {"q": "plank"})
    assert "Also called: Plank, Front plank" in response.text
    assert "Also called: Lateral plank" in response.text

    response = clinician_client.get(CATALOGUE, {"q": "prone bridge"})
    assert "Also called: Prone bridge" in response.text and "Lateral plank" not in response.text


@pytest.mark.parametrize("count", [5, 60])
def test_filtered_search_query_count_does_not_grow_with_matches(clinician_client, django_assert_num_queries, count):
    hip = BodyRegion.objects.get(slug="hip")  # reference data
    for n in range(count):
        exercise = ExerciseFactory(name=f"Bridge {n:02d}", slug=f"bridge-{n}", kind="strengthening")
        exercise.body_regions.add(hip)
        ExercisePictureFactory(exercise=exercise)
    ExerciseFactory(name="Bridge stretch", kind="stretch").body_regions.add(hip)
    clinician_client.get(CATALOGUE)

    # 1 session, 2 user, 3 the regions (the filter's check and its choices), 4 the page's ids
    # with the number of matches, 5 those exercises, 6 their pictures, 7 the user's memberships
    # (navigation), 8 the equipment choices.
    with django_assert_num_queries(8):
        response = clinician_client.get(CATALOGUE, {"q": "bridge", "region": "hip", "kind": "strengthening"})

    assert f"{count} exercises" in response.text
    assert "Bridge stretch" not in response.text


def test_later_pages_and_a_page_past_the_end_show_the_rest_of_a_ranked_search(clinician_client):
    for n in range(30):
        ExerciseFactory(name=f"Bridge {n:02d}", slug=f"bridge-{n}")

    second = clinician_client.get(CATALOGUE, {"q": "bridge", "page": 2})
    past_the_end = clinician_client.get(CATALOGUE, {"q": "bridge", "page": 9})

    for response in (second, past_the_end):
        assert [e.name for e in response.context["exercises"]] == [f"Bridge {n:02d}" for n in range(24, 30)]
        assert "30 exercises" in response.text
        assert "Page 2 of 2" in response.text


def test_an_admin_edit_of_the_names_is_found_by_the_next_search(catalogue_admin_client, clinician):
    exercise = ExerciseFactory(name="Bridge", other_names="Butt lift", status=Status.PUBLISHED)
    ExerciseFactory(name="Hip lift with band")
    form = {
        "name": "Glute bridge",
        "slug": exercise.slug,
        "status": Status.PUBLISHED,
        "other_names": "Hip lift\nPelvic raise",
        "summary": exercise.summary,
        "kind": exercise.kind,
        "position": exercise.position,
        "difficulty": exercise.difficulty,
        "sets": "2",
        "reps": "10",
        "hold_seconds": "0",
        "rest_seconds": "0",
        "side": "na",
        "times_per_day": "1",
        "days_per_week": "7",
        **{f"{inline}-{key}": value for inline in ("steps", "pictures") for key, value in INLINE_EMPTY.items()},
    }

    response = catalogue_admin_client.post(reverse("admin:exercises_exercise_change", args=[exercise.pk]), form)

    assert response.status_code == 302
    assert found(q="glute bridge") == [exercise.slug]
    assert found(q="hip lift")[0] == exercise.slug  # an exact other name ranks before a longer name
    assert found(q="butt") == []
    clinician_client = Client()  # the client fixture is signed in as the admin
    clinician_client.force_login(clinician)
    page = clinician_client.get(CATALOGUE, {"q": "pelvic raise"})
    assert "Glute bridge" in page.text and "Also called: Pelvic raise" in page.text


INLINE_EMPTY = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def test_search_columns_hold_the_names_normalised_and_follow_a_partial_save(db):
    exercise = ExerciseFactory(
        name="Cat-Camel (Pronë)", other_names="Cat-cow\n\n  Spinal  flexion/extension ", muscles="Erector spinae"
    )
    assert exercise.search_name == "cat camel prone"
    assert exercise.search_other_names == "\ncat cow\nspinal flexion extension\n"
    assert "erector spinae" in exercise.search_text
    assert normalize_search_text(exercise.summary) in exercise.search_text

    exercise.name = "Seated cat stretch"
    exercise.save(update_fields=["name"])

    assert Exercise.objects.get(pk=exercise.pk).search_name == "seated cat stretch"
    assert found(q="seated cat") == [exercise.slug]
