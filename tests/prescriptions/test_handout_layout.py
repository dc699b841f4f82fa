"""How much paper the handout takes and how it is laid out, read from the rendered PDF.

pdfplumber gives every character's size and every drawn rectangle: the picture frames (a
#bbb border), the tracker's tick boxes (small squares) and its shaded rest days.
"""

import copy
import io
import json
import re
from datetime import date

import pdfplumber
import pytest
from django.conf import settings
from django.core.management import call_command

from exercises.models import Exercise
from prescriptions.handout.context import TRACKER_SIZES
from prescriptions.handout.pdf import render_handout_pdf
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import Program, ProgramItem
from tests.factories import ExerciseFactory, ExercisePictureFactory, ProgramFactory, ProgramItemFactory

# Depends on today: .ci/run runs this module again with the clock shifted (tests/conftest.py).
pytestmark = pytest.mark.clock

MM = 25.4 / 72  # millimetres per PDF point
FRAME_GREY = (0.733333, 0.733333, 0.733333)  # the picture frame's border colour (#bbb, handout.css)
PAIN = "Pain (0–10)"


@pytest.fixture
def demo_snapshot(db):
    """The demo program as a patient gets it, made up to ten catalogue exercises with their own
    steps, cautions, pictures and default doses: what a standard program prints."""
    call_command("import_catalogue", stdout=io.StringIO())  # the bundled catalogue: every file
    call_command("seed_demo", stdout=io.StringIO())
    program = Program.objects.for_patients().filter(handouts__isnull=False).distinct().get()
    used = set(program.items.values_list("exercise_id", flat=True))
    # Filled from the first catalogue file (low back and hip), so the program under test stays the
    # same whatever the other region files add (a hand exercise draws five pictures).
    first_file = json.loads((settings.BASE_DIR / "exercises" / "catalogue" / "catalogue.json").read_text())
    extra = (
        Exercise.objects.published()
        .filter(slug__in=[record["slug"] for record in first_file["exercises"]])
        .exclude(pk__in=used)
        .filter(pictures__isnull=False)
        .distinct()
    )
    extra = extra.order_by("slug")[: 10 - len(used)]
    for order, exercise in enumerate(extra, start=len(used)):
        ProgramItem.objects.create(program=program, exercise=exercise, order=order, **exercise.dose_values())
    program.duration_weeks = 6
    program.save()
    snapshot = build_snapshot(program)
    assert len(snapshot["items"]) == 10
    return snapshot


def render(snapshot, *, paper="A4", large_print=False):
    snapshot = copy.deepcopy(snapshot)
    snapshot["clinic"]["paper_size"] = paper
    snapshot["patient"]["large_print"] = large_print
    return render_handout_pdf(snapshot, link_url="http://testserver/p/" + "x" * 43 + "/").content


_DEMO_PDFS: dict = {}


def render_demo(demo_snapshot, *, paper="A4", large_print=False):
    """The demo handout in one layout, rendered once per module (every test builds the same program)."""
    key = (paper, large_print)
    if key not in _DEMO_PDFS:
        _DEMO_PDFS[key] = render(demo_snapshot, paper=paper, large_print=large_print)
    return _DEMO_PDFS[key]


def exercises_by_page(snapshot, content):
    """The numbers of the exercises whose heading ("3 Bridge") each page prints."""
    result = []
    for text in page_texts(content):
        flat = " ".join(text.split())
        result.append(
            [
                item["number"]
                for item in snapshot["items"]
                if re.search(rf"(?:^| ){item['number']} {re.escape(item['name'])}(?: |$)", flat)
            ]
        )
    return result


def blank_share(page, *, top_mm=10, bottom_mm=14, gap_mm=4):
    """How much of the page's height between its margins prints nothing: the text, pictures and
    drawn marks (not the white backgrounds or a card's border) are laid on the height, and gaps
    under ``gap_mm`` (between lines and paragraphs) count as used."""
    top, bottom = top_mm / MM, page.height - bottom_mm / MM
    marks = list(page.chars) + list(page.images)
    for shape in page.rects + page.curves:
        colour = tuple(round(c, 2) for c in (shape.get("non_stroking_color") or ()))
        if colour not in {(1.0, 1.0, 1.0), (1,), (0.6, 0.6, 0.6)} and shape["height"] < page.height / 2:
            marks.append(shape)
    spans = sorted(
        (max(m["top"], top), min(m["bottom"], bottom)) for m in marks if m["bottom"] > top and m["top"] < bottom
    )
    used, current = 0.0, None
    for start, end in spans:
        if current and start - current[1] < gap_mm / MM:
            current[1] = max(current[1], end)
            continue
        if current:
            used += current[1] - current[0]
        current = [start, end]
    if current:
        used += current[1] - current[0]
    return 1 - used / (bottom - top)


def page_texts(content):
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def sections(snapshot, texts):
    """(exercise pages, tracker pages), 1-based: an exercise page shows an exercise's dose line."""
    tracker = [n for n, text in enumerate(texts, start=1) if "Weekly tracker" in text or PAIN in text]
    first_tracker = min(tracker) if tracker else len(texts) + 1
    flat = [" ".join(text.split()) for text in texts]
    exercises = [
        n
        for n, text in enumerate(flat, start=1)
        if n < first_tracker and any(item["dose_line"] in text for item in snapshot["items"])
    ]
    return exercises, tracker


def picture_frames(page):
    """The widths (mm) of the picture frames on a page: the outer edge of each #bbb border."""
    frames = [
        r for r in page.rects if r["fill"] and tuple(round(c, 6) for c in r["non_stroking_color"] or ()) == FRAME_GREY
    ]
    # A border is drawn as a filled ring: an outer and an inner rectangle at the same place.
    outer = [
        r
        for r in frames
        if not any(o is not r and o["width"] > r["width"] and abs(o["x0"] - r["x0"]) < 1 for o in frames)
    ]
    return [r["width"] * MM for r in outer]


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_ten_exercise_program_prints_exercises_on_four_pages_and_seven_in_all(demo_snapshot, paper):
    content = render_demo(demo_snapshot, paper=paper)
    texts = page_texts(content)
    exercise_pages, tracker_pages = sections(demo_snapshot, texts)
    for item in demo_snapshot["items"]:
        assert any(" ".join(item["dose_line"].split()) in " ".join(t.split()) for t in texts), item["name"]

    assert len(texts) <= 7, f"{len(texts)} pages"
    assert exercise_pages and exercise_pages[-1] - exercise_pages[0] + 1 <= 4, exercise_pages
    assert len(tracker_pages) <= 2, tracker_pages
    assert " ".join(texts).count(PAIN) == 6  # one grid per week, each ending with the pain row

    pictures = sum(len(item["pictures"]) for item in demo_snapshot["items"])
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        widths = [width for page in pdf.pages for width in picture_frames(page)]
    assert len(widths) == pictures
    assert min(widths) >= 60 - 0.01, widths


def test_large_print_has_nothing_under_14pt_body_at_18pt_and_pictures_80mm_wide(demo_snapshot):
    content = render_demo(demo_snapshot, large_print=True, paper="letter")
    step = demo_snapshot["items"][0]["steps"][0][:20]
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        sizes = [char["size"] for page in pdf.pages for char in page.chars if char["text"].strip()]
        widths = [width for page in pdf.pages for width in picture_frames(page)]
        step_sizes = {
            round(char["size"], 1)
            for page in pdf.pages
            for match in page.search(re.escape(step))
            for char in match["chars"]
        }
        footer_sizes = {
            round(char["size"], 1)
            for page in pdf.pages
            for match in page.search(r"Page \d+ of \d+")
            for char in match["chars"]
        }
    assert min(sizes) >= 14 - 0.01, f"smallest character {min(sizes)} pt"  # PDF sizes carry float noise
    assert step_sizes and min(step_sizes) >= 18 - 0.01, step_sizes
    # Body text: most characters are at least 18 pt.
    assert sorted(sizes)[len(sizes) // 2] >= 18 - 0.01
    assert footer_sizes == {14.0}
    assert widths and min(widths) >= 80 - 0.01, widths


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_standard_print_has_nothing_under_10pt_and_little_blank_paper(demo_snapshot, paper, capsys):
    content = render_demo(demo_snapshot, paper=paper)
    by_page = exercises_by_page(demo_snapshot, content)
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        sizes = [char["size"] for page in pdf.pages for char in page.chars if char["text"].strip()]
        blank = [blank_share(page) for page, numbers in zip(pdf.pages, by_page, strict=True) if numbers]
    assert min(sizes) >= 10 - 0.01, f"smallest character {min(sizes)} pt"
    with capsys.disabled():
        print(f"\n{paper} standard print, blank share of each exercise page: {', '.join(f'{b:.0%}' for b in blank)}")
    assert sum(blank) / len(blank) <= 0.25, blank


# The issue asked for nine pages; the layout reaches ten (a miss of one page, said in the README).
# Ten exercises at 18 pt with two 80 mm pictures each take about seven pages of cards however they
# are packed (a card runs 120-200 mm; a lying figure's wide drawing prints a third as tall), then
# one page of boxes and cards that may end a page between their parts, three tracker weeks to a page.
LARGE_PRINT_PAGES = 10


def test_large_print_holds_two_exercises_a_page_at_most_and_the_first_page_the_phone_box(demo_snapshot):
    content = render_demo(demo_snapshot, large_print=True)
    texts = page_texts(content)
    by_page = exercises_by_page(demo_snapshot, content)
    assert len(texts) <= LARGE_PRINT_PAGES, f"{len(texts)} pages"
    assert max(len(numbers) for numbers in by_page) <= 2, by_page
    assert sorted(n for numbers in by_page for n in numbers) == list(range(1, 11))
    assert "Your program on your phone" in texts[0] and "Your safety" in texts[0]
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        sizes = [char["size"] for page in pdf.pages for char in page.chars if char["text"].strip()]
        widths = [width for page in pdf.pages for width in picture_frames(page)]
    assert min(sizes) >= 14 - 0.01, f"smallest character {min(sizes)} pt"
    assert widths and min(widths) >= 80 - 0.01, widths


def _tracker_program(*, start: date, items: list[dict], weeks: int = 2):
    program = ProgramFactory(start_date=start, duration_weeks=weeks, title="Tracker")
    for index, dose in enumerate(items):
        exercise = ExerciseFactory(name=dose.pop("name"), slug=f"tracker-{index}")
        if index == 0:
            ExercisePictureFactory(exercise=exercise)
        values = {"sets": 2, "reps": 10, "hold_seconds": 0, "side": "na", "times_per_day": 1, "days_per_week": 7}
        ProgramItemFactory(program=program, exercise=exercise, order=index, **{**values, **dose})
    return program


def _rows(page, name, large_print):
    """For each row printed for ``name`` on a page: the weekday headings of the columns of its boxes."""
    size, day = TRACKER_SIZES[large_print]["box"] / MM, TRACKER_SIZES[large_print]["day"] / MM
    boxes = [r for r in page.rects if abs(r["width"] - size) < 0.3 and abs(r["height"] - size) < 0.3]
    headings = [w for w in page.extract_words() if w["text"] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    rows = []
    for match in page.search(rf"\d+\. {re.escape(name)}"):
        middle = (match["top"] + match["bottom"]) / 2
        in_row = [b for b in boxes if abs((b["top"] + b["bottom"]) / 2 - middle) < size]
        # The day headings of this week: the nearest heading row above the exercise's row.
        above = [h for h in headings if h["bottom"] < match["top"]]
        head_top = max(h["top"] for h in above)
        week = [h for h in above if abs(h["top"] - head_top) < 1]
        days = []
        for box in in_row:
            centre = (box["x0"] + box["x1"]) / 2
            [heading] = [h for h in week if h["x0"] - 3 <= centre <= h["x0"] + day - 3]  # text starts 1 mm in
            days.append(heading["text"])
        rows.append(days)
    return rows


@pytest.mark.parametrize("large_print", [False, True])
@pytest.mark.clock(date(2026, 11, 9))  # the second week of the program
def test_tracker_boxes_follow_the_dose(db, large_print):
    program = _tracker_program(
        start=date(2026, 11, 4),  # a Wednesday: the columns run Wed to Tue
        items=[
            {"name": "Bridge", "weekdays": "mon,wed,fri", "days_per_week": 3},
            {"name": "Pelvic tilt", "times_per_day": 2},
            {"name": "Clamshell", "days_per_week": 3},
            {"name": "Chin tuck", "times_per_day": 3},
        ],
    )
    snapshot = build_snapshot(program)
    content = render(snapshot, large_print=large_print)
    texts = page_texts(content)
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        pages = [
            page
            for page in pdf.pages
            if "Weekly tracker" in (page.extract_text() or "") or PAIN in (page.extract_text() or "")
        ]
        bridge = [row for page in pages for row in _rows(page, "Bridge", large_print)]
        tilt = [row for page in pages for row in _rows(page, "Pelvic tilt", large_print)]
        clamshell = [row for page in pages for row in _rows(page, "Clamshell", large_print)]
        # _rows counts boxes of the full size only (3.6 mm; 5 mm in large print): three a day keep it.
        chin_tuck = [row for page in pages for row in _rows(page, "Chin tuck", large_print)]
    assert len(bridge) == len(tilt) == len(clamshell) == 2  # two weeks
    for week in bridge:
        assert sorted(week) == ["Fri", "Mon", "Wed"]  # exactly three boxes, under the named days
    for week in tilt:
        assert len(week) == 14 and sorted(set(week)) == sorted({"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})
    for week in chin_tuck:
        assert len(week) == 21, week
    for week in clamshell:
        # "3 days a week" without named days: the one schedule's Mon, Wed, Fri, as on the phone.
        assert sorted(week) == ["Fri", "Mon", "Wed"]
    tracker_text = " ".join(" ".join(texts).split())
    assert "this week" not in tracker_text
    assert tracker_text.count(PAIN) == 2


@pytest.mark.clock(date(2026, 11, 9))  # the second week of the program
def test_a_week_too_long_for_a_page_prints_in_parts_each_with_headings_and_a_pain_row(db):
    program = _tracker_program(
        start=date(2026, 11, 2), weeks=1, items=[{"name": f"Exercise number {n}"} for n in range(1, 46)]
    )
    texts = page_texts(render(build_snapshot(program)))
    tracker = [t for t in texts if "Week 1" in t]
    assert len(tracker) >= 2
    for text in tracker:  # each part on one page: its heading, day headings and its own pain row
        lines = text.splitlines()
        week_line = next(i for i, line in enumerate(lines) if line.startswith("Week 1"))
        pain_line = next(i for i, line in enumerate(lines) if line.startswith(PAIN))
        assert week_line < pain_line
        assert "Mon Tue Wed Thu Fri Sat Sun" in text
        # the pain row closes the part: no exercise row after it
        assert not any(re.match(r"\d+\. Exercise", line) for line in lines[pain_line + 1 :])
    assert "Week 1 (continued)" in " ".join(tracker)


@pytest.mark.clock(date(2026, 11, 9))  # the second week of the program
def test_a_program_issued_without_the_tracker_prints_none(db):
    program = _tracker_program(start=date(2026, 11, 2), items=[{"name": "Bridge"}])
    program.tracker = False
    program.save()
    texts = page_texts(render(build_snapshot(program)))
    assert not any("Weekly tracker" in text or PAIN in text for text in texts)
    assert any("Bridge" in text for text in texts)


@pytest.mark.clock(date(2026, 11, 9))  # the second week of the program
def test_phone_page_shows_purpose_pictures_under_their_heading_and_the_sessions_asked_for(db):
    from django.template.loader import render_to_string

    from prescriptions.handout.context import TEMPLATE, handout_context

    program = _tracker_program(
        start=date(2026, 11, 2), items=[{"name": "Bridge", "weekdays": "mon,wed,fri", "times_per_day": 2}]
    )
    exercise = program.items.get().exercise
    exercise.purpose = "To make your buttocks and the backs of your thighs stronger."
    exercise.save()
    context, _resources = handout_context(build_snapshot(program), pdf=False)
    html = render_to_string(TEMPLATE, context)
    article = html[html.index('<article class="exercise') : html.index("</article>")]
    assert article.index("<h3>") < article.index("<img") < article.index("Why:")
    assert "<strong>Why:</strong> To make your buttocks and the backs of your thighs stronger.</p>" in article
    assert "Tick the tracker each time: twice a day, Mon, Wed, Fri." in article


@pytest.mark.clock(date(2026, 11, 9))  # the second week of the program
def test_an_older_snapshot_without_the_new_keys_still_renders(db):
    program = _tracker_program(start=date(2026, 11, 2), items=[{"name": "Bridge"}])
    snapshot = build_snapshot(program)
    snapshot["schema"] = 1
    for item in snapshot["items"]:
        del item["summary"]
        del item["purpose"]
        del item["dose"]["rest_day"]
    for note in snapshot["clearance_notes"]:
        del note["avoid"]
        del note["avoid_until"]
    del snapshot["program"]["tracker"]
    text = " ".join(page_texts(render(snapshot)))
    assert "Bridge" in text and PAIN in text and "Why:" not in text


@pytest.mark.clock(date(2026, 11, 9))  # the second week of the program
def test_clearance_notes_print_newest_first_with_restrictions_before_scope(db):
    from tests.factories import ClearanceNoteFactory

    program = _tracker_program(start=date(2026, 11, 2), items=[{"name": "Bridge"}])
    ClearanceNoteFactory(program=program, cleared_by_name="Dr Older", cleared_on=date(2026, 1, 5))
    ClearanceNoteFactory(program=program, cleared_by_name="Dr Newer", cleared_on=date(2026, 10, 1))
    text = " ".join(" ".join(page_texts(render(build_snapshot(program)))).split())
    assert text.index("Dr Newer") < text.index("Dr Older")
    first = text[text.index("Dr Newer") :]
    assert first.index("Restrictions and precautions:") < first.index("Cleared for:")


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Lifting the hips from the floor while lying on your back"
            " to strengthen the buttocks and back of the thighs.",
            "to strengthen the buttocks and back of the thighs",
        ),
        ("Leaning into a wall with one leg behind you to stretch the calf.", "to stretch the calf"),
        (
            "Rolling the knees from side to side while lying on your back to loosen the lower back.",
            "to loosen the lower back",
        ),
        ("Holding the body straight on the forearms and toes, an advanced whole-body exercise.", ""),
    ],
)
def test_the_purpose_line_is_the_summary_s_to_clause(summary, expected):
    from prescriptions.handout.context import purpose

    assert purpose(summary) == expected


@pytest.mark.parametrize(
    ("dose", "boxes"),
    [
        ({"weekdays": "mon,wed,fri", "days_per_week": 3, "times_per_day": 1}, [1, 0, 1, 0, 1, 0, 0]),
        ({"weekdays": "", "days_per_week": 7, "times_per_day": 2}, [2] * 7),
        ({"weekdays": "", "days_per_week": 3, "times_per_day": 1}, [1, 0, 1, 0, 1, 0, 0]),
        ({"weekdays": "", "days_per_week": 2, "times_per_day": 2}, [2, 0, 0, 2, 0, 0, 0]),
        ({"weekdays": "", "days_per_week": None, "times_per_day": 1}, [1] * 7),
    ],
)
def test_a_tracker_row_has_one_box_per_prescribed_session(dose, boxes):
    from prescriptions.handout.context import tracker_weeks

    snapshot = {
        "program": {"start_date": "2026-11-02", "duration_weeks": 1},  # a Monday
        "items": [{"number": 1, "dose": dose}],
    }
    assert tracker_weeks(snapshot)[0]["boxes"] == {1: boxes}


@pytest.mark.clock(date(2026, 11, 9))  # the second week of the program
def test_the_clearance_box_prints_every_restriction_in_force_in_plain_words_newest_first(db):
    from tests.factories import ClearanceNoteFactory

    program = _tracker_program(start=date(2026, 11, 2), items=[{"name": "Bridge"}])
    ClearanceNoteFactory(
        program=program,
        cleared_by_name="Dr Older",
        cleared_on=date(2026, 9, 1),
        restricted_movements=["lying-prone"],
        restrictions_until=date(2026, 12, 20),
    )
    ClearanceNoteFactory(
        program=program,
        cleared_by_name="Dr Newer",
        cleared_on=date(2026, 11, 1),
        restricted_movements=["spinal-flexion", "spinal-rotation"],
        max_lift_kg="5.0",
        restrictions_until=date(2027, 1, 31),
    )
    ClearanceNoteFactory(  # its restrictions ended before the handout: not printed
        program=program,
        cleared_by_name="Dr Oldest",
        cleared_on=date(2026, 6, 1),
        restricted_movements=["kneeling"],
        restrictions_until=date(2026, 10, 31),
    )
    text = " ".join(" ".join(page_texts(render(build_snapshot(program)))).split())
    newer = "Avoid: bending your back forward, twisting your back, lifting more than 5 kg — until 31 January 2027"
    older = "Avoid: lying on your front — until 20 December 2026"
    assert newer in text and older in text
    assert text.index("Dr Newer") < text.index(newer) < text.index("Dr Older") < text.index(older)
    assert "kneeling" not in text.lower()
