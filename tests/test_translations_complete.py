"""Every shipped language is complete: after `makemessages`, no entry is untranslated or fuzzy.

The shipped languages are settings.LANGUAGES less English (the source language).

makemessages runs on copies of the .po files in a temporary folder (the checkout is untouched),
so a string added to the code but not to the catalogues counts as untranslated too.
"""

import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings as project_settings
from django.core.management import call_command
from django.utils.translation import to_locale

SHIPPED = [to_locale(code) for code, _name in project_settings.LANGUAGES if code != "en"]
# Where the translatable strings are: the apps and the templates (not tests, bench or vendored code).
SOURCES = ["config", "core", "exercises", "outcomes", "patients", "prescriptions", "progress", "templates"]
STATISTICS = re.compile(r"(\d+) (translated|fuzzy|untranslated)")


def test_makemessages_leaves_no_untranslated_or_fuzzy_entry(tmp_path, settings, monkeypatch):
    # A stand-in project: the code linked in, the catalogues copied. makemessages writes to the
    # locale folder beside the code it reads, so the checkout's own .po files stay untouched.
    project = tmp_path / "project"
    project.mkdir()
    base = Path(settings.BASE_DIR)
    for source in (base / name for name in SOURCES):
        (project / source.name).symlink_to(source)
    locale = project / "locale"
    shutil.copytree(base / "locale", locale)
    settings.LOCALE_PATHS = [locale]
    monkeypatch.chdir(project)
    call_command("makemessages", locale=SHIPPED, symlinks=True, no_obsolete=True, verbosity=0)
    incomplete = {}
    for language in SHIPPED:
        po = locale / language / "LC_MESSAGES" / "django.po"
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        counts = {kind: int(n) for n, kind in STATISTICS.findall(result.stderr)}
        if counts.get("fuzzy") or counts.get("untranslated"):
            incomplete[language] = counts
    assert not incomplete, incomplete
