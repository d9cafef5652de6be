from django.apps import AppConfig


class LmsSandboxConfig(AppConfig):
    name = "lms_sandbox"
    default_auto_field = "django.db.models.BigAutoField"
