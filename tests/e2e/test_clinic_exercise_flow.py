"""A clinic's own exercise end to end: copied from the catalogue, changed, photographed, found in
the builder, prescribed and printed in the clinic's words; invisible to another clinic."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from prescriptions.models import ClinicExercise
from tests.access_fixtures_prescriptions import png_bytes
from tests.e2e.conftest import sign_in
from tests.factories import ClearanceNoteFactory, ExerciseFactory, ExercisePictureFactory, ProgramFactory

pytestmark = pytest.mark.e2e

PHOTO_SIZE = (64, 48)  # distinctive, so the PDF's embedded photo can be recognised
NEW_STEP = "Lie on your back with both heels on the clinic's low blue step."


@pytest.fixture
def bridge(db):
    exercise = ExerciseFactory(
        name="Bridge",
        slug="bridge",
        summary="Lift your hips off the floor.",
        steps=["Lie on your back with your knees bent.", "Squeeze your buttocks and lift your hips.", "Lower slowly."],
    )
    ExercisePictureFactory(exercise=exercise, caption="Start")
    return exercise


def test_clinician_copies_bridge_prescribes_it_and_an_outsider_gets_404(
    page, browser, live_server, clinician, outsider, patient, bridge, tmp_path
):
    program = ProgramFactory(patient=patient, title="Back care", created_by=clinician)
    ClearanceNoteFactory(program=program)
    photo = tmp_path / "step.png"
    photo.write_bytes(png_bytes(PHOTO_SIZE))
    sign_in(page, live_server, clinician.username)

    page.goto(f"{live_server.url}/catalogue/bridge/")
    page.get_by_role("link", name="Copy and edit for my clinic").click()
    expect(page.get_by_role("heading", name="Copy and edit “Bridge”")).to_be_visible()
    name = page.get_by_label("Name", exact=True)
    name.fill("")
    name.press_sequentially("Bridge on a step (clinic)", delay=40)
    steps = page.get_by_label("Steps")
    text = steps.input_value().replace("Lie on your back with your knees bent.", NEW_STEP)
    steps.fill("")
    steps.press_sequentially(text, delay=5)
    page.get_by_label("Add a photo").set_input_files(str(photo))
    page.get_by_label("What the photo shows").press_sequentially("Heels on a low step, hips lifted", delay=20)
    page.get_by_role("button", name="Save exercise").click()

    expect(page.get_by_text("“Bridge on a step (clinic)” saved for your clinic.")).to_be_visible()
    expect(page.get_by_role("heading", name="Bridge on a step (clinic)")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=NEW_STEP)).to_be_visible()
    photo_img = page.get_by_role("img", name="Heels on a low step, hips lifted")
    expect(photo_img).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", photo_img.element_handle()) == PHOTO_SIZE[0]
    ownership = ClinicExercise.objects.select_related("exercise").get()
    detail_url = page.url
    edit_url = f"{live_server.url}/programs/clinic-exercises/{ownership.pk}/edit/"
    photo_url = photo_img.get_attribute("src")

    # The builder finds it beside the catalogue's Bridge, marked "Clinic".
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.get_by_label("Search exercises").press_sequentially("bridge step", delay=80)
    card = page.get_by_role("article", name="Bridge on a step (clinic)")
    expect(card.get_by_text("Clinic", exact=True)).to_be_visible()
    expect(page.get_by_role("article", name="Bridge", exact=True)).to_have_count(0)
    card.get_by_role("button", name="Add to program: Bridge on a step (clinic)").click()
    expect(page.locator("#program-items > li h3")).to_have_text(["Bridge on a step (clinic)"])

    page.get_by_role("button", name="Issue handout").click()
    expect(page.locator("#handout-panel").get_by_text("Version 1 issued.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download version 1").click()
    reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Bridge on a step (clinic)" in text
    assert NEW_STEP in text
    assert "Lie on your back with your knees bent." not in text
    assert PHOTO_SIZE in [image.image.size for p in reader.pages for image in p.images]

    # Another clinic: the exercise, its photo and its edit page do not exist.
    outsider_context = browser.new_context()
    outsider_page = outsider_context.new_page()
    sign_in(outsider_page, live_server, outsider.username)
    for url in (detail_url, f"{live_server.url}{photo_url}", edit_url):
        assert outsider_page.goto(url).status == 404, url
    outsider_context.close()
