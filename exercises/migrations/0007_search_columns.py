"""The normalised name and other names stored for the search's ranking; search_text gains the summary."""

from django.db import migrations, models

from exercises.models import normalize_search_text


def fill_search_columns(apps, schema_editor):
    # Historical models have no methods: this repeats Exercise.fill_search_fields() as of this migration.
    Exercise = apps.get_model("exercises", "Exercise")
    fields = ["name", "other_names", "muscles", "summary"]
    batch = []
    for exercise in Exercise.objects.only("pk", *fields).order_by("pk").iterator(chunk_size=1000):
        others = [line.strip() for line in exercise.other_names.splitlines() if line.strip()]
        exercise.search_text = normalize_search_text(
            " ".join([exercise.name, " ".join(others), exercise.muscles, exercise.summary])
        )
        exercise.search_name = normalize_search_text(exercise.name)
        others = [name for name in map(normalize_search_text, others) if name]
        exercise.search_other_names = "\n{}\n".format("\n".join(others)) if others else ""
        batch.append(exercise)
        if len(batch) == 1000:
            Exercise.objects.bulk_update(batch, ["search_text", "search_name", "search_other_names"])
            batch = []
    Exercise.objects.bulk_update(batch, ["search_text", "search_name", "search_other_names"])


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0006_exercise_in_catalogue"),
    ]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="search_name",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="exercise",
            name="search_other_names",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop, elidable=True),
    ]
