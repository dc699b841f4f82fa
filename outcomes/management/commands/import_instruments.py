import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outcomes.services import InstrumentImportError, instruments_import

BUNDLED = Path(settings.BASE_DIR) / "outcomes" / "instruments"


class Command(BaseCommand):
    help = (
        "Create or update outcome instruments by key from definition files (the bundled ones in "
        "outcomes/instruments/ when no file is given). All-or-nothing: one bad definition and nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*")

    def handle(self, *args, files, **options):
        paths = [Path(name) for name in files] or sorted(BUNDLED.glob("*.json"))
        documents = []
        for path in paths:
            try:
                documents.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise CommandError(f"{path} is not valid JSON: {exc}") from None
        try:
            counts = instruments_import(documents)
        except InstrumentImportError as exc:
            raise CommandError(
                "Nothing was imported. Fix these definitions and try again:\n" + "\n".join(exc.errors)
            ) from None
        self.stdout.write(
            f"Instruments imported: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged."
        )
