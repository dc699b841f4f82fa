import json

import pytest
from django.core.management import CommandError, call_command

from outcomes.models import Instrument
from tests.outcomes.factories import bundled

pytestmark = pytest.mark.django_db


def test_bundled_instruments_load_and_loading_again_changes_nothing(capsys):
    call_command("import_instruments")
    assert set(Instrument.objects.values_list("key", flat=True)) == {"nprs", "psfs"}
    assert "2 created" in capsys.readouterr().out
    call_command("import_instruments")
    assert "0 created, 0 updated, 2 unchanged" in capsys.readouterr().out
    assert Instrument.objects.count() == 2


def test_every_shipped_instrument_records_its_licence_and_mcid_source():
    for key in ("nprs", "psfs"):
        definition = bundled(key)
        assert definition["licence"]["free_for_software"] is True
        assert definition["licence"]["url"].startswith("https://")
        assert definition["mcid"]["source"]


def test_a_bad_definition_is_refused_with_numbered_messages_and_nothing_is_loaded(tmp_path):
    bad = bundled("psfs")
    bad["key"] = "psfs-bad"
    bad["items"][1]["max"] = bad["items"][1]["min"]
    del bad["mcid"]["source"]
    bad["licence"]["free_for_software"] = False
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    good = tmp_path / "nprs.json"
    good.write_text(json.dumps(bundled("nprs")), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import_instruments", str(good), str(path))
    message = str(caught.value)
    assert "1. bad.json: licence.free_for_software" in message
    assert "bad.json: mcid.source" in message
    assert "bad.json: items[1]: expected whole numbers min < max" in message
    assert "3. " in message
    assert Instrument.objects.count() == 0


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_instruments", str(path))


def test_a_changed_definition_updates_the_instrument(tmp_path):
    call_command("import_instruments")
    changed = bundled("nprs")
    changed["version"] = 2
    path = tmp_path / "nprs.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    call_command("import_instruments", str(path))
    assert Instrument.objects.get(key="nprs").version == 2
