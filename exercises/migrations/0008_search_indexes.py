"""Indexes for the catalogue search, one per database (the model does not declare them).

SQLite: an index holding every column the search filters and ranks on, so a search reads it
instead of the wide exercise rows. PostgreSQL: a trigram index (pg_trgm) that serves
``search_text LIKE '%word%'``; where the extension cannot be installed, the search works
without it, scanning the table.
"""

from django.db import DatabaseError, migrations, transaction

SQLITE_INDEX = "exercise_search_cover_idx"
POSTGRES_INDEX = "exercise_search_text_trgm_idx"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SQLITE_INDEX} ON exercises_exercise "
            "(status, kind, position, in_catalogue, search_text, search_name, search_other_names, name)"
        )
    elif connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:  # the role may not install extensions: the search then scans
            return
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {POSTGRES_INDEX} ON exercises_exercise "
            "USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("sqlite", "postgresql"):
        name = SQLITE_INDEX if vendor == "sqlite" else POSTGRES_INDEX
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0007_search_columns"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
