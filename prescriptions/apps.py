from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrescriptionsConfig(AppConfig):
    name = "prescriptions"
    verbose_name = _("Programs and handouts")

    def ready(self):
        from prescriptions import audit_actions  # noqa: F401  (registers the app's audit actions)
