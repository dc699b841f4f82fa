from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrescriptionsConfig(AppConfig):
    name = "prescriptions"
    verbose_name = _("Programs and handouts")

    def ready(self):
        from patients.extensions import register_patient_section
        from prescriptions import audit_actions  # noqa: F401  (registers the app's audit actions)

        # What the patients app's pages show of programs, without knowing them.
        register_patient_section("prescriptions/_patient_section.html")
