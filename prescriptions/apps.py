from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrescriptionsConfig(AppConfig):
    name = "prescriptions"
    verbose_name = _("Programs and handouts")
