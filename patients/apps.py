from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Clinics and patients")

    def ready(self):
        from patients import (
            audit_actions,  # noqa: F401  (registers the app's audit actions)
            signals,  # noqa: F401  (sign-in audit receivers)
        )
