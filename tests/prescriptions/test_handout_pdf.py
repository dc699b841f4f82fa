"""What the patient reads on the issued PDF: names, doses, clearance, safety, QR code, paper."""

import io
import re
import subprocess

import pytest
import zxingcpp
from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from exercises.dose import describe_dose
from prescriptions.handout import weasyprint_replay
from prescriptions.handout.issue import handout_issue
from prescriptions.handout.pdf import render_handout_pdf
from prescriptions.handout.snapshot import build_snapshot
from tests.factories import (
    ClearanceNoteFactory,
    ExerciseFactory,
    ExercisePictureFactory,
    ProgramFactory,
    ProgramItemFactory,
)

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

# A 4×4 PNG: an uploaded picture rather than a pose drawing.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x04\x00\x00\x00\x04\x08\x02\x00\x00\x00&\x93\t)\x00\x00"
    b"\x00\x13IDATx\x9cc\xfc\xff\xff?\x03\x0c0\xc2\x10\x00\x00f\x8b\x02\x7f\x1f\xa2\xd4\xc5\x00\x00\x00\x00IEND"
    b"\xaeB`\x82"
)


def make_handout_program(*, clinic, patient, user, items=3):
    """A realistic program: varied doses, a pose drawing, an uploaded picture, one with none."""
    program = ProgramFactory(clinic=clinic, patient=patient, created_by=user, title="Back to walking", duration_weeks=4)
    ClearanceNoteFactory(program=program)
    doses = [
        {"sets": 3, "reps": 10, "hold_seconds": 5, "side": "each", "times_per_day": 2, "days_per_week": 5},
        {
            "sets": 2,
            "reps": None,
            "duration_seconds": 30,
            "hold_seconds": 0,
            "side": "na",
            "times_per_day": 1,
            "days_per_week": None,
            "weekdays": "mon,wed,fri",
            "load": "red band",
            "rest_seconds": 45,
        },
        {
            "sets": 1,
            "reps": 12,
            "hold_seconds": 0,
            "side": "alternating",
            "times_per_day": 3,
            "days_per_week": 7,
            "progression_note": "Add 2 reps each week while it stays comfortable",
        },
    ]
    names = [
        "Bridge",
        "Clamshell",
        "Sit to stand",
        "Heel raise",
        "Wall push-up",
        "Bird dog",
        "Dead bug",
        "Calf stretch",
        "Step-up",
        "Side plank",
    ]
    for index in range(items):
        exercise = ExerciseFactory(
            name=names[index % len(names)] + ("" if index < len(names) else f" {index}"),
            slug=f"handout-{index}",
            cautions="Stop if you feel sharp pain\nKeep breathing",
            steps=[f"Step one of {names[index % len(names)]}.", "Hold still.", "Slowly return."],
        )
        if index % 3 == 0:
            ExercisePictureFactory(exercise=exercise, pose={"base": "supine", "prop": "mat"}, alt_text="Lying down")
        elif index % 3 == 1:
            picture = ExercisePictureFactory(exercise=exercise, pose=None, alt_text="Uploaded")
            picture.image.save("clam.png", ContentFile(PNG))
        ProgramItemFactory(
            program=program,
            exercise=exercise,
            order=index,
            patient_note=f"Note for exercise {index + 1}",
            **doses[index % len(doses)],
        )
    return program


def issue(program, user):
    """Issue the program's next version (re-issuing explicitly when its content is unchanged)."""
    newest = program.handouts.newest()
    return handout_issue(program=program, user=user, reissue_of=newest.version if newest else None).handout


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Line breaks as spaces: a dose line may wrap."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def issued(clinic, patient, clinician):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    return issue(program, clinician)


def page_image(content: bytes, page_number: int, folder, *, dpi: int = 150) -> Image.Image:
    """One page of a PDF as a picture (poppler's pdftoppm), to decode or compare."""
    pdf = folder / f"render-{id(content)}.pdf"
    pdf.write_bytes(content)
    prefix = folder / f"page-{id(content)}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page_number), "-l", str(page_number), str(pdf), str(prefix)],
        check=True,
    )
    [png] = folder.glob(f"{prefix.name}*.png")
    return Image.open(png)


def stored_pdf(handout) -> bytes:
    with handout.pdf.open("rb") as handle:
        return handle.read()


def test_pdf_shows_patient_exercises_doses_clearance_and_safety(issued, clinic):
    text = flat(pdf_text(stored_pdf(issued)))
    program = issued.program

    assert "Home exercise program for Maria Jensen" in text
    assert clinic.name in text and clinic.phone in text
    for item in program.items.select_related("exercise"):
        assert item.exercise.name in text
        assert describe_dose(item) in text
        assert item.patient_note in text
    assert "Add 2 reps each week while it stays comfortable" in text
    assert "Stop if you feel sharp pain" in text and "Step one of Bridge." in text
    assert "Cleared by: Dr A. Smith, Orthopaedic surgeon" in text
    assert "Cleared for: Graded return to exercise after lumbar discectomy" in text
    assert "No lifting over 5 kg for 6 weeks" in text
    assert "Your safety" in text
    assert "sharp pain, tingling, numbness, or pain that gets worse" in text
    assert "Warm up with a 5-minute walk." in text


def test_every_page_has_the_footer_and_the_tracker_has_a_grid_per_week(issued):
    reader = PdfReader(io.BytesIO(stored_pdf(issued)))
    pages = len(reader.pages)
    assert pages == issued.page_count
    for number, page in enumerate(reader.pages, start=1):
        text = flat(page.extract_text())
        assert f"Page {number} of {pages}" in text
        assert "Maria Jensen" in text and "version 1" in text
    text = flat(pdf_text(stored_pdf(issued)))
    # One grid per week: its heading, its day row and its pain row.
    assert sorted(int(n) for n in re.findall(r"\bWeek (\d+)\b", text)) == [1, 2, 3, 4]
    assert text.count("Pain (0–10)") == 4


@pytest.mark.parametrize(("paper_size", "points"), [("A4", (595, 842)), ("letter", (612, 792))])
def test_page_size_follows_the_clinic(clinic, patient, clinician, paper_size, points):
    clinic.paper_size = paper_size
    clinic.save()
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    handout = issue(program, clinician)
    for page in PdfReader(io.BytesIO(stored_pdf(handout))).pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == points


def test_qr_code_decodes_to_the_printed_patient_link(issued, client, tmp_path):
    content = stored_pdf(issued)
    reader = PdfReader(io.BytesIO(content))
    page_number = next(i for i, page in enumerate(reader.pages, start=1) if "private link" in page.extract_text())
    # The link may wrap at the end of a line: read it without line breaks.
    page_text = re.sub(r"\s+", "", reader.pages[page_number - 1].extract_text())
    printed = re.search(r"(http://[^/]+/p/[A-Za-z0-9_-]{43}/)", page_text)
    assert printed, "the link is printed under the QR code"

    codes = zxingcpp.read_barcodes(page_image(content, page_number, tmp_path))
    assert [code.text for code in codes] == [printed.group(1)]

    response = client.get(printed.group(1).removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert b"Back to walking" in response.content


def test_draft_preview_is_marked_on_every_page(clinic, patient, clinician):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    rendered = render_handout_pdf(build_snapshot(program, issued_by=clinician), draft=True)
    reader = PdfReader(io.BytesIO(rendered.content))
    assert rendered.page_count == len(reader.pages) > 1
    for page in reader.pages:
        assert "DRAFT" in page.extract_text()
    assert rendered.filename.startswith("home-exercises-draft-")


def _font_sizes(content: bytes, needle: str) -> set[float]:
    """Rendered sizes (points) of the text runs that contain ``needle``."""
    sizes = set()

    def visit(text, cm, tm, font_dict, font_size):
        if needle in text:
            sizes.add(round(font_size * (tm[3] or 1) * (cm[3] or 1), 1))

    for page in PdfReader(io.BytesIO(content)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize(("large_print", "minimum"), [(False, 11), (True, 18)])
def test_body_text_is_at_least_11pt_or_18pt_in_large_print(clinic, patient, clinician, large_print, minimum):
    patient.large_print = large_print
    patient.save()
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    content = stored_pdf(issue(program, clinician))
    sizes = _font_sizes(content, "Hold still.")
    assert sizes and min(sizes) >= minimum - 0.01


NAMES = {
    "latin": ("Zoë", "Ångström-Núñez"),
    "greek": ("Ελένη", "Παπαδοπούλου"),
    "cyrillic": ("Олег", "Петров"),
    "chinese": ("伟", "张"),
}


@pytest.mark.parametrize("script", sorted(NAMES))
def test_names_in_other_scripts_come_out_as_the_same_characters(clinic, patient, clinician, script):
    patient.first_name, patient.last_name = NAMES[script]
    patient.save()
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    text = pdf_text(stored_pdf(issue(program, clinician)))
    assert patient.full_name in text


def test_arabic_and_chinese_names_are_drawn_with_fonts_that_have_the_glyphs(clinic, patient, clinician):
    # Arabic is shaped (joined letter forms), so its text does not round-trip through
    # extraction letter by letter; the embedded fonts show which fonts drew it.
    patient.first_name, patient.last_name = "ليلى", "حداد"
    patient.save()
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    program.items.update(patient_note="每天两次 — مرتين يوميا")
    reader = PdfReader(io.BytesIO(stored_pdf(issue(program, clinician))))
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("Arabic" in name or "Naskh" in name or "Kufi" in name for name in fonts), fonts
    assert any("CJK" in name for name in fonts), fonts
    text = pdf_text(stored_pdf(program.handouts.get()))
    assert "每天两次" in text
    assert "\ufffd" not in text


def test_demo_program_handout_reads_right_and_its_qr_code_opens_it(db, client, tmp_path):
    from django.core.management import call_command

    from prescriptions.models import Program

    call_command("import_catalogue", stdout=io.StringIO())  # the bundled catalogue: every file
    call_command("seed_demo", stdout=io.StringIO())
    program = Program.objects.for_patients().filter(handouts__isnull=False).distinct().get()
    handout = program.handouts.get()
    content = stored_pdf(handout)
    text = flat(pdf_text(content))

    assert f"Home exercise program for {program.patient.full_name}" in text
    for item in program.items.select_related("exercise"):
        assert item.exercise.name in text
        assert describe_dose(item) in text
    for note in program.clearance_notes.all():
        assert note.scope in text and note.cleared_by_name in text
    assert "Your safety" in text and program.clinic.phone in text
    reader = PdfReader(io.BytesIO(content))
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (595, 842)

    page_number = next(i for i, page in enumerate(reader.pages, start=1) if "private link" in page.extract_text())
    [code] = zxingcpp.read_barcodes(page_image(content, page_number, tmp_path))
    assert client.get(code.text.removeprefix(settings.SITE_URL)).status_code == 200


def test_pose_drawings_replayed_from_the_picture_cache_look_the_same(clinic, patient, clinician, tmp_path):
    """The renderer draws each pose once per process and replays it later: pixels must not change."""
    snapshot = build_snapshot(make_handout_program(clinic=clinic, patient=patient, user=clinician))
    weasyprint_replay._pictures.clear()
    drawn = render_handout_pdf(snapshot).content
    assert weasyprint_replay._pictures, "the pose drawings were not cached"
    replayed = render_handout_pdf(snapshot).content

    first, again = (page_image(content, 2, tmp_path, dpi=60) for content in (drawn, replayed))
    assert first.tobytes() == again.tobytes()


def test_an_untested_weasyprint_falls_back_to_plain_drawing(clinic, patient, clinician, monkeypatch, caplog):
    """The replay relies on WeasyPrint internals: on another version it is off, and the text is the same."""
    snapshot = build_snapshot(make_handout_program(clinic=clinic, patient=patient, user=clinician))
    replayed = render_handout_pdf(snapshot)
    monkeypatch.setattr(weasyprint_replay, "TESTED_VERSIONS", frozenset({"0.0"}))
    monkeypatch.setattr(weasyprint_replay, "_warned", False)
    weasyprint_replay._pictures.clear()
    with caplog.at_level("WARNING", logger="prescriptions.handout.weasyprint_replay"):
        plain = render_handout_pdf(snapshot)
        render_handout_pdf(snapshot)
    assert not weasyprint_replay._pictures, "the replay cache was used on an untested version"
    assert pdf_text(plain.content) == pdf_text(replayed.content)
    assert plain.page_count == replayed.page_count
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1, "logged more than once"
    assert "not among the versions" in caplog.records[0].message
