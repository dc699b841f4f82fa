from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares and nothing domain-specific: the audit log, upload validators,
    tokens and the client address. It imports no other app of the project."""

    name = "core"
    verbose_name = "HomeRx core"
