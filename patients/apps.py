from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Clinics and patients")

    def ready(self):
        from patients import signals  # noqa: F401  (sign-in audit receivers)
