from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = _("Outcome measures")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from outcomes import audit_actions  # noqa: F401  (registers the app's audit actions)
        from outcomes.attention import ATTENTION_SOURCE
        from outcomes.link import forget_on_change
        from outcomes.models import ProgramMeasure, Response
        from prescriptions.extensions import register_attention_source, register_link_section

        # What prescriptions' "Needs attention" and patient link page show of outcome measures,
        # without knowing them.
        register_attention_source(ATTENTION_SOURCE)
        register_link_section("outcomes/_link_section.html")
        for model in (ProgramMeasure, Response):
            post_save.connect(forget_on_change, sender=model, dispatch_uid=f"outcomes-link-{model.__name__}")
            post_delete.connect(forget_on_change, sender=model, dispatch_uid=f"outcomes-link-{model.__name__}-del")
