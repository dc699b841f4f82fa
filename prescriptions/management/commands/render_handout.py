"""Write a program's newest issued handout (or a DRAFT preview of it as it is now) to a file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from prescriptions.handout.pdf import render_handout_pdf
from prescriptions.handout.snapshot import build_snapshot
from prescriptions.models import Program


class Command(BaseCommand):
    help = "Write PROGRAM_ID's newest issued handout PDF to FILE, or with --draft render a DRAFT preview."

    def add_arguments(self, parser):
        parser.add_argument("program_id", type=int)
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")
        parser.add_argument("--draft", action="store_true", help="render the program as it is now, marked DRAFT")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="render in this language whatever the patient's preference (with --draft the program "
            "as it is now; without, the newest issued version re-rendered, its dose lines as issued)",
        )

    def handle(self, *args, program_id, output, draft, language=None, **options):
        program = Program.objects.filter(pk=program_id).first()
        if program is None:
            raise CommandError(f"No program with id {program_id}.")
        if draft:
            rendered = render_handout_pdf(build_snapshot(program, language=language), draft=True)
            content, pages = rendered.content, rendered.page_count
            what = "DRAFT preview"
        else:
            handout = program.handouts.newest()
            if handout is None:
                raise CommandError(f"Program {program_id} has no issued handout; use --draft for a preview.")
            if language:
                # Another language is a new rendering of the issued version's stored words, for
                # reading, not issuing: the stored file is untouched. The fixed words, dates and
                # numbers follow ``language``; the dose lines stay as they were worded at issue.
                rendered = render_handout_pdf({**handout.snapshot, "language": language})
                Path(output).write_bytes(rendered.content)
                self.stdout.write(self.style.SUCCESS(f"Wrote version {handout.version} in {language} to {output}"))
                return
            # The stored file, byte for byte: an issued handout is never re-rendered.
            with handout.pdf.open("rb") as stored:
                content = stored.read()
            pages = handout.page_count
            what = f"version {handout.version}"
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {what} ({pages} pages, {len(content)} bytes) to {output}"))
