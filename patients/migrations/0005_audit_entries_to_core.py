"""Move the audit log's rows into core's generic table (core.AuditEntry), then drop the old one.

The old table (patients_auditentry) held foreign keys to the clinic and the patient and the
acted-on object's model name; the new one holds the clinic's and the patient's ids and the
object's content type by natural key ("prescriptions.handout"). Every row is copied, in order,
with its time, user, action, ids, address and detail.
"""

import datetime

from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "patients_auditentry"
BATCH = 2000


def copy_entries(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    AuditEntry = apps.get_model("core", "AuditEntry")
    # The model names the old rows hold, as the content types' natural keys of this project.
    labels = {}
    for model in apps.get_models():
        labels.setdefault(model._meta.model_name, model._meta.label_lower)
    detail_field = AuditEntry._meta.get_field("detail")
    quote = connection.ops.quote_name
    columns = [
        "id", "created_at", "user_id", "username", "clinic_id", "patient_id", "action", "object_type",
        "object_id", "ip_address", "detail",
    ]  # fmt: skip
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(OLD_TABLE)} "
                f"WHERE {quote('id')} > %s ORDER BY {quote('id')} LIMIT {BATCH}",
                [last],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        entries = []
        for (
            _id,
            created_at,
            user_id,
            username,
            clinic_id,
            patient_id,
            action,
            object_type,
            object_id,
            ip,
            detail,
        ) in rows:
            if isinstance(detail, str):  # SQLite hands JSON back as text
                detail = detail_field.from_db_value(detail, None, connection)
            if isinstance(created_at, str):
                created_at = parse_datetime(created_at)
            if timezone.is_naive(created_at):  # SQLite keeps datetimes in UTC, without the zone
                created_at = created_at.replace(tzinfo=datetime.UTC)
            entries.append(
                AuditEntry(
                    created_at=created_at,
                    user_id=user_id,
                    username=username,
                    clinic_id=clinic_id,
                    patient_id=patient_id,
                    action=action,
                    object_type=labels.get(object_type, object_type),
                    object_id=object_id,
                    ip_address=ip,
                    detail=detail or {},
                )
            )
        AuditEntry.objects.bulk_create(entries)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_patient_list_order_index"),
        ("core", "0001_auditentry_generic"),
    ]

    operations = [
        migrations.RunPython(copy_entries, migrations.RunPython.noop, elidable=False),
        migrations.RunSQL(f"DROP TABLE {OLD_TABLE}", migrations.RunSQL.noop),
    ]
