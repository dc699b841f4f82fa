from django.contrib.auth.management import create_permissions
from django.db import migrations

from exercises.reference_data import install_reference_data


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations; the editors' group needs them now.
    app_config = apps.get_app_config("exercises")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    install_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
