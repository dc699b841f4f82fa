"""Reference rows every installation needs: body regions, equipment and the
"Catalogue editors" group. Installed by migration 0002 and again after every
``flush`` (post_migrate), so a flushed test database is complete too.

Functions take an ``apps`` registry, so the migration can pass its historical one.
"""

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
    "elbow-wrist-hand": "Elbow, wrist and hand",
    "falls-balance": "Falls prevention and balance",
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
    "stick": "Stick or broom handle",
    "table": "Table or bed edge",
    "kitchen-bench": "Kitchen bench or other fixed support",
    "stairs": "Stairs with a rail",
    "golf-ball": "Golf ball",
    "marbles": "Marbles and a bowl",
    "foam-roller": "Foam roller",
}
CATALOGUE_EDITORS = "Catalogue editors"
EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("exercise", "exercisestep", "exercisepicture", "bodyregion", "equipment")
    for action in ("add", "change", "view")
] + ["delete_exercisestep", "delete_exercisepicture", "delete_exercise"]


def install_reference_data(apps) -> None:
    BodyRegion = apps.get_model("exercises", "BodyRegion")
    Equipment = apps.get_model("exercises", "Equipment")
    for slug, name in REGIONS.items():
        BodyRegion.objects.get_or_create(slug=slug, defaults={"name": name})
    for slug, name in EQUIPMENT.items():
        Equipment.objects.get_or_create(slug=slug, defaults={"name": name})
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CATALOGUE_EDITORS)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="exercises", codename__in=EDITOR_PERMISSIONS)
    )
