"""Create the bucket ``S3_BUCKET`` names, if it is not there yet (a local endpoint: ``make s3``)."""

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create the S3 bucket of the storage settings if it does not exist (idempotent)."

    def handle(self, *args, **options):
        if not settings.S3_BUCKET:
            raise CommandError("S3_BUCKET is not set: the files are on local disk, there is no bucket to create.")
        storage = storages["private"]
        client = storage.connection.meta.client
        existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
        if settings.S3_BUCKET in existing:
            self.stdout.write(f"Bucket {settings.S3_BUCKET} is there already.")
            return
        region = storage.region_name
        if region and region != "us-east-1":
            client.create_bucket(Bucket=settings.S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": region})
        else:
            client.create_bucket(Bucket=settings.S3_BUCKET)
        self.stdout.write(f"Created bucket {settings.S3_BUCKET}.")
