from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcome measures")

    def ready(self):
        from outcomes import audit_actions  # noqa: F401  (registers the app's audit actions)
