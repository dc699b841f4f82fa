"""Copy the files of a local-disk installation into the S3 storage, verifying every byte.

Run once the S3 variables are set (README "Deploying": "Moving files to S3"). The database keeps
each file's name, so every file is copied under the same name: public media (``MEDIA_ROOT``) to
the ``default`` storage, private files (``PRIVATE_MEDIA_ROOT``) to ``private``. A file already
there with the same bytes is left alone, so a second run copies nothing; one there with other
bytes is reported and never overwritten. Every copy is read back and compared (SHA-256); a copy
that does not match is deleted and reported. Exits non-zero when any file was not copied.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.core.management.base import BaseCommand, CommandError

CHUNK = 1024 * 1024


def _digest(handle) -> str:
    sha = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        sha.update(chunk)
    return sha.hexdigest()


class Command(BaseCommand):
    help = "Copy MEDIA_ROOT and PRIVATE_MEDIA_ROOT into the S3 storage and verify each file (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be copied; copy nothing.")

    def handle(self, *args, dry_run=False, **options):
        copied = present = 0
        problems: list[str] = []
        for alias, root in (("default", settings.MEDIA_ROOT), ("private", settings.PRIVATE_MEDIA_ROOT)):
            target = storages[alias]
            if isinstance(target, FileSystemStorage):
                raise CommandError(
                    f"The {alias} storage is still local disk: set S3_BUCKET and the other S3_ variables first."
                )
            root = Path(root)
            if not root.is_dir():
                continue
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                name = path.relative_to(root).as_posix()
                with path.open("rb") as handle:
                    local = _digest(handle)
                if target.exists(name):
                    with target.open(name, "rb") as stored:
                        if _digest(stored) == local:
                            present += 1
                        else:
                            problems.append(f"{alias}: {name} is in S3 with other bytes; left as it is")
                    continue
                if dry_run:
                    self.stdout.write(f"would copy {alias}: {name}")
                    copied += 1
                    continue
                with path.open("rb") as handle:
                    saved = target.save(name, File(handle, name=name))
                if saved != name:  # someone wrote the name meanwhile: ours is not the file the database names
                    target.delete(saved)
                    problems.append(f"{alias}: {name} appeared in S3 during the copy; run again")
                    continue
                with target.open(name, "rb") as stored:
                    if _digest(stored) != local:
                        target.delete(name)
                        problems.append(f"{alias}: {name} did not read back the same; deleted, run again")
                        continue
                copied += 1
        verb = "would copy" if dry_run else "copied"
        self.stdout.write(f"{verb} {copied}, already there with the same bytes {present}, problems {len(problems)}")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} file(s) not copied")
