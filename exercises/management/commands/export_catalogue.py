from django.core.management.base import BaseCommand

from exercises.services import catalogue_export_json


class Command(BaseCommand):
    help = "Write the whole exercise catalogue as JSON (stdout, or -o FILE)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write; stdout when omitted.")

    def handle(self, *args, output=None, **options):
        text = catalogue_export_json()
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")
