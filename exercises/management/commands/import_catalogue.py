import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exercises.services import CatalogueImportError, bundled_catalogue, catalogue_import


class Command(BaseCommand):
    help = (
        "Create or update exercises by slug from a catalogue JSON file (the bundled catalogue, every "
        "file in exercises/catalogue/, when no file is given). All-or-nothing: one bad record and "
        "nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")

    def handle(self, *args, file, **options):
        try:
            document = bundled_catalogue() if file is None else json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {exc.filename or file}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file or 'The bundled catalogue'} is not valid JSON: {exc}") from None
        try:
            counts = catalogue_import(document)
        except CatalogueImportError as exc:
            raise CommandError(
                "Nothing was imported. Fix these records and try again:\n" + "\n".join(exc.errors)
            ) from None
        self.stdout.write(f"Catalogue imported: {counts['created']} created, {counts['updated']} updated.")
