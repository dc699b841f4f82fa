from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reinstall_reference_data(sender, apps=None, **kwargs):
    # After `flush` (browser tests, a reset development database) the rows that migration
    # 0002 created are gone; put them back. Runs after auth has recreated permissions.
    # Imported here: reference_data imports the models, which apps.py must not do at load time.
    from exercises.reference_data import install_reference_data

    if apps is None:  # `flush` sends the signal without a registry
        from django.apps import apps  # the global registry (the signal's ``apps`` is a migration state)
    install_reference_data(apps)


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = _("Exercise catalogue")

    def ready(self):
        post_migrate.connect(_reinstall_reference_data, sender=self)
