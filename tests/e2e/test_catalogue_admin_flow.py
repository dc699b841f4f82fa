import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from exercises.models import Exercise, Status
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, ExerciseFactory

pytestmark = pytest.mark.e2e


def test_admin_publishes_a_new_exercise_and_a_clinician_finds_it_by_another_name(
    page, browser, live_server, catalogue_admin, clinician, tmp_path
):
    ExerciseFactory(name="Bridge", other_names="Glute bridge")
    picture = tmp_path / "clam.png"
    image = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(image).ellipse((100, 60, 200, 140), outline="black", width=4)
    image.save(picture)

    # The catalogue admin signs in to the admin and adds the exercise.
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(catalogue_admin.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Exercises").click()
    page.get_by_role("link", name="Add exercise").click()

    page.get_by_label("Name").first.press_sequentially("Clam shell")
    expect(page.get_by_label("Slug")).to_have_value("clam-shell")
    page.get_by_label("Other names").fill("Side-lying hip external rotation\nClams")
    page.get_by_label("Summary").fill("Open the top knee like a clam while lying on your side.")
    page.get_by_label("Kind").select_option(label="Strengthening")
    page.get_by_label("Starting position").select_option(label="Lying on your side")
    page.get_by_role("checkbox", name="Hip", exact=True).check()
    page.get_by_label("Muscles worked").fill("gluteus medius")
    page.get_by_label("Reps:", exact=True).fill("10")
    page.get_by_label("Step 1", exact=True).fill("Lie on your side with your knees bent and feet together.")
    page.get_by_label("Step 2", exact=True).fill("Keep your feet touching and lift your top knee.")
    page.get_by_label("Step 3", exact=True).fill("Lower the knee slowly.")
    new_picture = page.locator("#pictures-0")
    new_picture.get_by_label("Uploaded picture").set_input_files(picture)
    new_picture.get_by_label("Alt text").fill("Lying on the side with the top knee lifted.")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("was added successfully")).to_be_visible()
    expect(page.get_by_role("img", name="Lying on the side with the top knee lifted.")).to_be_visible()

    # A new exercise is a draft until it is published.
    page.get_by_role("checkbox", name="Select this object for an action - Clam shell").check()
    page.get_by_role("combobox", name="Action").select_option(label="Publish selected exercises")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 exercise published.")).to_be_visible()
    exercise = Exercise.objects.get(slug="clam-shell")
    assert exercise.status == Status.PUBLISHED
    assert [step.text for step in exercise.steps.all()][2] == "Lower the knee slowly."

    # A clinician finds it by one of its other names, as they type.
    clinician_page = browser.new_context().new_page()
    sign_in(clinician_page, live_server, clinician.username)
    clinician_page.get_by_role("link", name="Catalogue").click()
    expect(clinician_page.get_by_role("link", name="Bridge")).to_be_visible()

    clinician_page.get_by_label("Search exercises").press_sequentially("clams", delay=40)

    expect(clinician_page.get_by_role("link", name="Clam shell")).to_be_visible()
    expect(clinician_page.get_by_role("link", name="Bridge")).to_have_count(0)
    expect(clinician_page.get_by_role("img", name="Lying on the side with the top knee lifted.")).to_have_count(1)
    expect(clinician_page.get_by_text("10 repetitions · once a day · every day")).to_be_visible()
    expect(clinician_page).to_have_url(re.compile(r"/catalogue/\?q=clams"))

    # The address keeps the search: reloading it shows the same results.
    clinician_page.reload()
    expect(clinician_page.get_by_label("Search exercises")).to_have_value("clams")
    expect(clinician_page.get_by_role("link", name="Clam shell")).to_be_visible()
    expect(clinician_page.get_by_role("link", name="Bridge")).to_have_count(0)

    clinician_page.get_by_role("link", name="Clam shell").click()
    expect(clinician_page.get_by_role("heading", name="Clam shell")).to_be_visible()
    expect(clinician_page.get_by_text("Also called: Side-lying hip external rotation, Clams")).to_be_visible()
