from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from prescriptions.starter_templates import StarterLoadError, starters_load


class Command(BaseCommand):
    help = (
        "Create or update the starter templates every clinic is offered, from the files of "
        "prescriptions/starters/ (or the files given). Run after import_catalogue: the files name "
        "catalogue exercises. All-or-nothing, and safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*")

    def handle(self, *args, files, **options):
        try:
            counts = starters_load([Path(name) for name in files] if files else None)
        except StarterLoadError as exc:
            raise CommandError(
                "No starter template was loaded. Fix these and try again:\n" + "\n".join(exc.errors)
            ) from None
        self.stdout.write(
            f"Starter templates loaded: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['removed']} removed."
        )
