"""Numbers and JSON from a request are parsed by form fields: a bad one is a message or a 400, never a 500.

``str.isdigit()`` is true for "²", "①" and Arabic-Indic digits, and ``int()`` refuses the first two
and any integer of more than 4,300 digits; each case below was a 500 with a traceback.
"""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.forms import MAX_JSON_DEPTH, parse_id, parse_int
from exercises.models import Exercise
from patients.services import invitation_create
from prescriptions.handout.issue import handout_issue
from prescriptions.models import Handout
from progress.models import DayLog
from tests.prescriptions.logging_fixtures import items_by_name, make_logging_program
from tests.prescriptions.test_handout_pdf import make_handout_program

UNICODE_DIGITS = ["²", "③", "①", "٣", "۳", "𝟓"]
NOT_NUMBERS = ["²", "①", "9" * 4301, "9" * 5000, "-1", "1e3", "\u0663\u0663\u0663" * 2000]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def today(time_machine):
    monday = datetime.datetime(2026, 12, 7, 10, tzinfo=ZoneInfo("Europe/London"))
    time_machine.move_to(monday)
    return monday.date()


@pytest.fixture
def logging_program(today, clinic, patient, clinician):
    return make_logging_program(clinic=clinic, patient=patient, user=clinician)


@pytest.mark.parametrize("value", ["²", "①", "9" * 4301, "99999999999999999999"])
def test_parse_int_refuses_what_int_cannot_hold_with_a_validation_error(value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_int(value, min_value=0, max_value=10)
    assert parse_id(value) is None


def test_parse_id_reads_plain_digits_and_nothing_else():
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    assert [parse_id(v) for v in ("", None, "0", "-3", str(2**63), "x")] == [None] * 6


# --- The patient's Today: no sign-in needed ------------------------------------------------------


@pytest.mark.clock
@pytest.mark.parametrize("field", ["pain", "done", "difficulty", "day"])
@pytest.mark.parametrize("value", NOT_NUMBERS + UNICODE_DIGITS)
def test_today_refuses_a_bad_number_with_the_forms_message_and_saves_nothing(
    client, logging_program, today, field, value
):
    program, token = logging_program
    clamshell = items_by_name(program)["Clamshell"]
    data = {"day": today.isoformat(), "pain": "3", "note": ""}
    names = {"done": f"done-{clamshell.pk}", "difficulty": f"difficulty-{clamshell.pk}"}
    name = names.get(field, field)
    data[name] = value
    response = client.post(reverse("public:today", args=[token]), data, **HTMX)

    html = response.content.decode()
    if field == "pain" and value in ("٣", "۳", "𝟓"):
        assert response.status_code == 200  # a digit in another script is still the number it shows
        assert DayLog.objects.get().pain in (3, 5)
        return
    assert response.status_code == 422
    assert not DayLog.objects.exists()
    expected = {
        "pain": "Choose a number from 0 (no pain) to 10 (worst pain).",
        "done": "Tick the sessions you did.",
        "difficulty": "Choose one of the answers.",
        "day": "Not saved: you can fill in today and the two days before.",
    }[field]
    assert expected in html


@pytest.mark.clock
def test_today_still_saves_a_plain_day(client, logging_program, today):
    program, token = logging_program
    items = items_by_name(program)
    data = {
        "day": today.isoformat(),
        "pain": "4",
        "note": "Fine\r\n",
        f"done-{items['Clamshell'].pk}": ["1"],
        f"difficulty-{items['Bridge'].pk}": "too_hard",
    }
    response = client.post(reverse("public:today", args=[token]), data, **HTMX)

    assert response.status_code == 200
    log = DayLog.objects.get()
    assert (log.day, log.pain, log.note) == (today, 4, "Fine")
    assert {e.item_id: (e.sessions_done, e.difficulty) for e in log.entries.all()} == {
        items["Clamshell"].pk: (1, ""),
        items["Bridge"].pk: (0, "too_hard"),
    }


# --- The paper tracker -----------------------------------------------------------------------------


@pytest.mark.clock
@pytest.mark.parametrize("value", ["²", "①", "1²", "9" * 5000])
def test_paper_tracker_refuses_unicode_digits_in_the_grid_at_the_field(clinician_client, logging_program, today, value):
    program, _token = logging_program
    url = reverse("prescriptions:paper-tracker", args=[program.pk])
    clamshell = items_by_name(program)["Clamshell"]
    response = clinician_client.post(url, {f"w1-i{clamshell.pk}": value, f"pain-{program.start_date}": value})

    assert response.status_code == 422
    assert response.context["errors"][f"pain-{program.start_date}"] == "Pain is a number from 0 to 10."
    assert f"w1-i{clamshell.pk}" in response.context["errors"]
    assert not DayLog.objects.exists()


# --- Issuing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "①", "9" * 5000, "-1", "0"])
def test_issue_form_refuses_a_reissue_of_that_is_no_version_with_400(
    clinician_client, clinic, patient, clinician, value
):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    handout_issue(program=program, user=clinician)
    url = reverse("prescriptions:handout-issue", args=[program.pk])
    data = {"revision": program.revision, "confirm": "yes", "reissue_of": value}
    response = clinician_client.post(url, data, **HTMX)

    assert response.status_code == 400
    assert "Choose a version to re-issue." in response.content.decode()
    assert Handout.objects.filter(program=program).count() == 1


# --- Ids in forms and query strings --------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "①", "9" * 5000])
def test_ids_from_a_request_are_a_4xx(clinic_admin_client, clinic_admin, clinic, patient, value):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinic_admin)
    invitation_create(clinic=clinic, email="new@example.org", role="clinician", invited_by=clinic_admin)
    answers = [
        clinic_admin_client.post(reverse("patients:invitation-revoke"), {"invitation": value}),
        clinic_admin_client.get(reverse("prescriptions:clinic-exercise-create"), {"from": value}),
        clinic_admin_client.get(reverse("prescriptions:program-create", args=[patient.pk]), {"template": value}),
        clinic_admin_client.post(
            reverse("prescriptions:item-add", args=[program.pk]), {"exercise": value, "revision": program.revision}
        ),
    ]
    # No such invitation or exercise; the template is ignored (the blank form); not an id.
    assert [r.status_code for r in answers] == [404, 404, 200, 400]


# --- JSON uploads --------------------------------------------------------------------------------


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("catalogue.json", text.encode(), content_type="application/json")


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5000, 100_000])
def test_clinic_exercise_import_refuses_deep_json_with_the_limit_in_the_message(clinic_admin_client, clinic, depth):
    before = Exercise.objects.count()
    response = clinic_admin_client.post(
        reverse("prescriptions:clinic-exercise-import"), {"file": _upload("[" * depth + "]" * depth)}
    )

    assert response.status_code == 400
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()
    assert Exercise.objects.count() == before


def test_clinic_exercise_import_refuses_a_number_too_long_to_convert(clinic_admin_client, clinic):
    response = clinic_admin_client.post(
        reverse("prescriptions:clinic-exercise-import"), {"file": _upload('{"exercises": [' + "9" * 5000 + "]}")}
    )
    assert response.status_code == 400
    assert "not valid JSON" in response.content.decode()


def test_catalogue_import_in_the_admin_refuses_deep_json(client, catalogue_admin):
    client.force_login(catalogue_admin)
    response = client.post(reverse("admin:exercises_exercise_import"), {"file": _upload("[" * 5000 + "]" * 5000)})

    assert response.status_code < 500
    assert f"more than {MAX_JSON_DEPTH} levels deep" in response.content.decode()


def test_catalogue_import_refuses_a_file_over_the_size_limit_with_the_limit(settings, clinic_admin_client, clinic):
    settings.MAX_UPLOAD_BYTES = 2048
    response = clinic_admin_client.post(
        reverse("prescriptions:clinic-exercise-import"), {"file": _upload(json.dumps({"x": "y" * 4096}))}
    )
    assert response.status_code == 400
    assert "the limit is 0 MB" in response.content.decode() or "larger than 2 KB" in response.content.decode()


@pytest.mark.clock
def test_anonymous_today_with_a_4301_digit_pain_writes_no_traceback(logging_program, today, caplog):
    _program, token = logging_program
    client = Client(raise_request_exception=False)
    response = client.post(reverse("public:today", args=[token]), {"day": today.isoformat(), "pain": "9" * 4301})
    assert response.status_code == 422
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


@pytest.mark.parametrize("pose", ["[" * 5000 + "]" * 5000, '{"base": ' + "9" * 5000 + "}", "[" * 40 + "]" * 40])
def test_admin_picture_pose_refuses_json_its_parser_cannot_take_at_the_field(client, catalogue_admin, pose):
    from tests.exercises.test_admin import exercise_form

    client.force_login(catalogue_admin)
    client.raise_request_exception = False
    response = client.post(reverse("admin:exercises_exercise_add"), exercise_form(**{"pictures-0-pose": pose}))

    assert response.status_code == 200  # the admin shows its form again with the error
    errors = str(response.context["inline_admin_formsets"][1].formset.errors)
    assert "levels deep" in errors or "too long to read" in errors
    assert not Exercise.objects.filter(slug="clam-shell").exists()


@pytest.mark.parametrize("username", ["9" * 5000, "x" * 256, "٣" * 300])
def test_sign_in_refuses_a_username_longer_than_any_account_at_the_field(client, username):
    """On PostgreSQL django-axes could not store the failure (255 characters): a 500."""
    client.raise_request_exception = False
    response = client.post(reverse("login"), {"username": username, "password": "9" * 5000})

    assert response.status_code == 200
    assert "A username has at most 150 characters." in response.content.decode()


@pytest.mark.clock
@pytest.mark.parametrize("value", ["1²:00", "²", "99:99", "9" * 5000, "18:00\x00"])
def test_calendar_reminder_time_is_parsed_by_a_form_field(client, logging_program, value):
    _program, token = logging_program
    response = client.get(reverse("public:calendar", args=[token]), {"time": value})
    assert response.status_code in (400, 422)  # a NUL is refused before the view (400)


@pytest.mark.clock
def test_calendar_reminder_at_a_plain_time(client, logging_program):
    _program, token = logging_program
    response = client.get(reverse("public:calendar", args=[token]), {"time": "07:30"})
    assert response.status_code == 200
    assert b"T073000" in response.content


@pytest.mark.parametrize("value", ["²", "①", "9" * 5000, "99999999999999999999"])
def test_reordering_with_ids_that_are_no_ids_changes_nothing(clinician_client, clinic, patient, clinician, value):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    before = list(program.items.values_list("pk", "order"))
    items = [str(pk) for pk, _order in before]
    response = clinician_client.post(
        reverse("prescriptions:items-reorder", args=[program.pk]),
        {"revision": program.revision, "item": [value, *items[1:]]},
    )
    assert response.status_code < 500
    assert list(program.items.values_list("pk", "order")) == before
