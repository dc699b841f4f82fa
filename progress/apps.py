from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "progress"
    verbose_name = _("Patient logs and adherence")

    def ready(self):
        from patients.extensions import register_list_badges
        from prescriptions.extensions import register_handout_annotation, register_start_section, register_today_section
        from progress.attention import attention_badges
        from progress.session import start_section
        from progress.today import cached_today_section, logs_updated_at

        # The patient list's "Needs attention" badge, and the link page's "Today" with what it depends on.
        register_list_badges(attention_badges)
        register_today_section(cached_today_section)
        # Above it, the first screen and its guided session.
        register_start_section(start_section)
        register_handout_annotation("logs_updated_at", logs_updated_at)
