from django.contrib.auth.management import create_permissions
from django.db import migrations

REGIONS = {
    "neck": "Neck",
    "upper-back": "Upper back",
    "lower-back": "Lower back",
    "core": "Core and abdomen",
    "hip": "Hip",
    "thigh": "Thigh",
    "knee": "Knee",
    "ankle-foot": "Ankle and foot",
    "shoulder": "Shoulder",
}
EQUIPMENT = {
    "none": "No equipment",
    "mat": "Mat",
    "chair": "Chair",
    "wall": "Wall",
    "ball": "Exercise ball",
    "band": "Resistance band",
    "ankle-weight": "Ankle weight",
    "step": "Step",
    "bench": "Bench",
    "towel": "Towel or strap",
    "pillow": "Pillow",
    "dumbbell": "Dumbbell",
    "machine": "Gym machine",
    "doorway": "Doorway",
}
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("exercise", "exercisestep", "exercisepicture", "bodyregion", "equipment")
    for action in ("add", "change", "view")
] + ["delete_exercisestep", "delete_exercisepicture", "delete_exercise"]


def forwards(apps, schema_editor):
    BodyRegion = apps.get_model("exercises", "BodyRegion")
    Equipment = apps.get_model("exercises", "Equipment")
    for slug, name in REGIONS.items():
        BodyRegion.objects.get_or_create(slug=slug, defaults={"name": name})
    for slug, name in EQUIPMENT.items():
        Equipment.objects.get_or_create(slug=slug, defaults={"name": name})

    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("exercises")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Catalogue editors")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="exercises", codename__in=EDITOR_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
