"""The layers of DESIGN.md where import-linter cannot see them: migrations, foreign keys, template tags.

``outcomes`` → ``progress`` → ``prescriptions`` → (``patients``, ``exercises``) → ``core``;
``patients`` and ``exercises`` never refer to each other. A migration's dependency, a foreign key (a string such as
"patients.Patient" is no import) and a template's ``{% load %}`` each make one app depend on
another: each points only to its own app or to a lower layer.
"""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.template import engines

ROOT = Path(settings.BASE_DIR)
# The app's layer; an app may refer only to its own or to a lower layer's apps.
LAYERS = {"core": 0, "patients": 1, "exercises": 1, "prescriptions": 2, "progress": 3, "outcomes": 4}


def _allowed(source: str, target: str) -> bool:
    if source not in LAYERS or target not in LAYERS:
        return True  # Django's and third-party apps, and the project's config
    return source == target or LAYERS[source] > LAYERS[target]


def _target_app(remote) -> str:
    """The app label of a relation's target: a model class or a string ("patients.Patient")."""
    if isinstance(remote, str):
        return remote.split(".")[0].lower() if "." in remote else ""
    return remote._meta.app_label


def migration_violations(migration_list) -> list[str]:
    """Dependencies and foreign keys of these migrations that point to a higher layer (or sideways)."""
    found = []
    for migration in migration_list:
        source = migration.app_label
        for app_label, name in migration.dependencies:
            if not _allowed(source, app_label):
                found.append(f"{source}.{migration.name} depends on {app_label}.{name}")
        for operation in migration.operations:
            for op in getattr(operation, "state_operations", [operation]):
                fields = getattr(op, "fields", None) or ([op.field] if getattr(op, "field", None) else [])
                if isinstance(fields, list) and fields and isinstance(fields[0], tuple):
                    fields = [field for _name, field in fields]
                for field in fields:
                    remote = getattr(field, "remote_field", None)
                    if remote is not None and not _allowed(source, _target_app(remote.model)):
                        found.append(f"{source}.{migration.name}: a key to {remote.model}")
    return found


def model_violations(model_list) -> list[str]:
    """Foreign keys, one-to-ones and many-to-manys of these models that point to a higher layer."""
    found = []
    for model in model_list:
        source = model._meta.app_label
        for field in model._meta.get_fields(include_hidden=False):
            if field.is_relation and field.concrete or field.many_to_many:
                if getattr(field, "auto_created", False) and not field.concrete:
                    continue
                target = _target_app(field.remote_field.model)
                if not _allowed(source, target):
                    found.append(f"{model._meta.label}.{field.name} → {field.remote_field.model}")
    return found


LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")


def _library_apps() -> dict[str, str]:
    """Tag library name → the app that defines it."""
    return {name: module.split(".")[0] for name, module in engines["django"].engine.libraries.items()}


def template_violations(templates) -> list[str]:
    """``(path under templates/, source)`` pairs whose ``{% load %}`` names a library of a higher app."""
    libraries = _library_apps()
    found = []
    for path, source in templates:
        app = path.split("/")[0]
        for match in LOAD.finditer(source):
            words = match.group(1).split()
            names = words[words.index("from") + 1 :] if "from" in words else words
            for name in names:
                target = libraries.get(name, "")
                if not _allowed(app, target):
                    found.append(f"{path} loads {name} ({target})")
    return found


def _project_templates():
    base = ROOT / "templates"
    return [(str(path.relative_to(base)), path.read_text()) for path in sorted(base.rglob("*.html"))]


def _project_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [migration for (app, _name), migration in loader.disk_migrations.items() if app in LAYERS]


def test_no_migration_depends_on_or_keys_into_a_higher_layer():
    migration_list = _project_migrations()
    assert migration_list
    assert migration_violations(migration_list) == []


def test_no_model_keys_into_a_higher_layer():
    assert model_violations(apps.get_models()) == []


def test_no_template_loads_tags_of_a_higher_app():
    templates = _project_templates()
    assert any(path.startswith("patients/") for path, _source in templates)
    assert template_violations(templates) == []


# The checks find what they are for: each is shown a wrong reference.


class _Migration(migrations.Migration):
    pass


def test_the_migration_check_finds_a_dependency_on_a_higher_layer():
    wrong = _Migration("0099_wrong", "core")
    wrong.dependencies = [("patients", "0001_initial")]
    assert migration_violations([wrong]) == ["core.0099_wrong depends on patients.0001_initial"]
    sideways = _Migration("0099_sideways", "exercises")
    sideways.dependencies = [("patients", "0001_initial")]
    assert migration_violations([sideways]) == ["exercises.0099_sideways depends on patients.0001_initial"]


@pytest.mark.parametrize(
    "operation",
    [
        migrations.CreateModel(
            "Wrong", fields=[("patient", models.ForeignKey("patients.Patient", on_delete=models.PROTECT))]
        ),
        migrations.AddField("auditentry", "clinic", models.ForeignKey("patients.clinic", on_delete=models.PROTECT)),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField("auditentry", "clinic", models.ForeignKey("patients.clinic", models.PROTECT))
            ]
        ),
    ],
)
def test_the_migration_check_finds_a_foreign_key_by_string_to_a_higher_layer(operation):
    wrong = _Migration("0099_wrong", "core")
    wrong.operations = [operation]
    assert len(migration_violations([wrong])) == 1


def test_the_model_check_finds_a_foreign_key_by_string_to_a_higher_layer():
    from django.test.utils import isolate_apps

    with isolate_apps("core"):

        class Wrong(models.Model):
            patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT)

            class Meta:
                app_label = "core"

            def __str__(self):
                return "wrong"

        assert model_violations([Wrong]) == ["core.Wrong.patient → patients.Patient"]


def test_the_template_check_finds_tags_of_a_higher_app():
    wrong = ("patients/wrong.html", "{% extends 'base.html' %}\n{% load i18n patient_programs %}")
    also_wrong = ("exercises/wrong.html", "{% load patient_programs from patient_programs %}")
    fine = ("prescriptions/fine.html", "{% load i18n patient_programs crispy_forms_tags %}")
    assert template_violations([wrong, also_wrong, fine]) == [
        "patients/wrong.html loads patient_programs (prescriptions)",
        "exercises/wrong.html loads patient_programs (prescriptions)",
    ]
