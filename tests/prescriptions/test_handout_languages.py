"""The handout in the patient's language (issue 29): lang and dir, fixed words from gettext,
texts with no version in the handout's language marked, Arabic right to left in logical order.

One PDF render per language. The shipped catalogues (locale/*/LC_MESSAGES/django.po) are filled
by translators; until they are, a small test-only catalogue (written here, compiled with msgfmt)
proves the fixed words come from gettext, and the "no English fixed word" check runs over
whatever languages have a compiled catalogue.
"""

import io
import re
import subprocess

import pdfplumber
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from prescriptions.handout.context import TEMPLATE, handout_context
from prescriptions.handout.links import share_link_create
from prescriptions.handout.pdf import render_handout_pdf
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.views.panel import handout_panel_context
from tests.factories import PatientFactory
from tests.prescriptions.test_handout_pdf import issue, make_handout_program

pytestmark = pytest.mark.clock

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Fixed words every handout of make_handout_program prints (a tracker, clearance, steps, cautions).
FIXED_WORDS = ["Your exercises", "Weekly tracker", "Your safety", "Take care", "Home exercise program"]

# A test-only catalogue: a few fixed words in Spanish and Arabic, nothing more.
TEST_CATALOGUE = {
    "es": {
        "Your exercises": "Sus ejercicios",
        "Weekly tracker": "Registro semanal",
        "Page %(page)s of %(pages)s": "Página %(page)s de %(pages)s",
    },
    "ar": {"Your exercises": "تمارينك", "Weekly tracker": "السجل الأسبوعي"},
}


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pypdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdftotext(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def html_of(snapshot) -> str:
    with translation.override(snapshot["language"]):
        context, _resources = handout_context(snapshot, pdf=True)
        return render_to_string(TEMPLATE, context)


@pytest.fixture
def test_catalogue(tmp_path, settings):
    """The test-only catalogue compiled into a locale folder of its own, read before the shipped one."""
    for language, entries in TEST_CATALOGUE.items():
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
        for msgid, msgstr in entries.items():
            po += [f'msgid "{msgid}"', f'msgstr "{msgstr}"', ""]
        (folder / "django.po").write_text("\n".join(po), encoding="utf-8")
        subprocess.run(["msgfmt", "-o", folder / "django.mo", folder / "django.po"], check=True)
    # Changing LOCALE_PATHS empties Django's cache of loaded catalogues (django.test.signals).
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    return TEST_CATALOGUE


@pytest.mark.parametrize("language", LANGUAGES)
def test_handout_renders_in_each_language_with_no_english_fixed_word_where_translated(clinic, clinician, language):
    patient = PatientFactory(clinic=clinic, first_name="Maria", last_name="Jensen", preferred_language=language)
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    snapshot = build_snapshot(program)
    assert snapshot["language"] == language

    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html_of(snapshot)
    text = flat(pdf_text(render_handout_pdf(snapshot, draft=True).content))
    # Whatever the compiled catalogues (locale/, `make messages`) translate is in the PDF, and
    # its English is not: nothing is hard-coded around gettext.
    with translation.override(language):
        translated = {word: translation.gettext(word) for word in FIXED_WORDS}
    for word, words in translated.items():
        if words != word:
            assert word not in text, (language, word)


def test_fixed_words_and_the_page_number_come_from_the_catalogue(clinic, clinician, test_catalogue):
    patient = PatientFactory(clinic=clinic, preferred_language="es")
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    text = flat(pdf_text(render_handout_pdf(build_snapshot(program), draft=True).content))

    assert "Sus ejercicios" in text and "Registro semanal" in text
    assert "Your exercises" not in text and "Weekly tracker" not in text
    assert re.search(r"Página 1 de \d", text) and not re.search(r"Page 1 of \d", text)


def test_spanish_handout_marks_every_english_text_and_the_builder_says_so(clinic, clinician):
    patient = PatientFactory(clinic=clinic, preferred_language="es")
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician)
    snapshot = build_snapshot(program)
    text = flat(pdf_text(render_handout_pdf(snapshot, draft=True).content))

    with translation.override("es"):
        mark = "[" + translation.get_language_info("en")["name_translated"] + "]"
    assert mark == "[Inglés]"
    # The marker right before each English text (pdfplumber may drop the space between them).
    for item in snapshot["items"]:
        assert re.search(re.escape(mark) + r" ?" + re.escape(item["name"]), text), item["name"]
    for item in (i for i in snapshot["items"] if i["patient_note"]):
        assert re.search(re.escape(mark) + r" ?" + re.escape(item["patient_note"]), text), item["patient_note"]

    panel = handout_panel_context(None, program)["handout_panel"]
    assert panel["untranslated"] and panel["language_name"]


def test_english_handout_carries_no_marker(clinic, clinician, patient):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    assert "[English]" not in flat(pdf_text(render_handout_pdf(build_snapshot(program), draft=True).content))
    assert not handout_panel_context(None, program)["handout_panel"]["untranslated"]


def test_arabic_handout_runs_right_to_left_and_extracts_in_logical_order(clinic, clinician, test_catalogue):
    patient = PatientFactory(clinic=clinic, first_name="سارة", last_name="حداد", preferred_language="ar")
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    snapshot = build_snapshot(program)
    assert '<html lang="ar" dir="rtl">' in html_of(snapshot)

    content = render_handout_pdf(snapshot, draft=True).content
    # Logical order: the words read back as they were written, not mirrored, by a reader that
    # follows the PDF's text (pypdf) and by poppler's pdftotext (what a search index uses).
    # pdfplumber's extract_text orders characters by position on the line: visual order for
    # Arabic (reversed), whatever the PDF holds, so it cannot judge this.
    text = flat(pypdf_text(content))
    assert "تمارينك" in text and "السجل الأسبوعي" in text and "سارة حداد" in text
    # pdftotext maps the lam-alef ligature back to the wrong letters ("األ"), so only words without it.
    text = flat(pdftotext(content))
    assert "تمارينك" in text and "سارة حداد" in text


def test_chinese_handout_puts_the_family_name_first(clinic, clinician):
    patient = PatientFactory(clinic=clinic, first_name="伟", last_name="张", preferred_language="zh-hans")
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    assert build_snapshot(program)["patient"]["name"] == "张伟"
    assert build_snapshot(program, language="en")["patient"]["name"] == "伟 张"


def test_phone_page_is_in_the_handouts_language_not_the_browsers(client, clinic, clinician):
    patient = PatientFactory(clinic=clinic, preferred_language="ar")
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    issue(program, clinician)
    _link, token = share_link_create(program=program, user=clinician)
    # LocaleMiddleware activates the browser's French for the request and leaves it active: the
    # override puts the test process's language back afterwards for the tests that follow.
    with translation.override(settings.LANGUAGE_CODE):
        page = client.get(reverse("public:handout", args=[token]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="ar" dir="rtl">' in page


def test_render_handout_command_renders_in_the_given_language(clinic, clinician, patient, tmp_path):
    program = make_handout_program(clinic=clinic, patient=patient, user=clinician, items=1)
    out = tmp_path / "es.pdf"
    call_command("render_handout", program.pk, "--draft", "--language", "es", "-o", str(out), stdout=io.StringIO())
    assert "[Inglés]" in flat(pdf_text(out.read_bytes()))
