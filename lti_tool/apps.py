from django.apps import AppConfig


class LtiToolConfig(AppConfig):
    verbose_name = "LTI tool"
    name = "lti_tool"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import frame_ancestors  # noqa: F401, PLC0415 - connects the cache invalidation
