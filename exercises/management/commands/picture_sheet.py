from django.core.management.base import BaseCommand

from exercises.models import Exercise
from exercises.poses import contact_sheet_html


class Command(BaseCommand):
    help = "Write every exercise's pictures on one HTML sheet, to check the drawings by eye."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", default="pictures.html")

    def handle(self, *args, output, **options):
        exercises = Exercise.objects.catalogue().exclude(status="retired").prefetch_related("pictures").order_by("name")
        entries = [(f"{e.name} ({e.slug})", [p.svg for p in e.pictures.all() if p.svg]) for e in exercises]
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(contact_sheet_html(entries))
        self.stdout.write(f"Wrote {len(entries)} exercises to {output}")
