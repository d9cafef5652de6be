from django.apps import AppConfig


class AwardingConfig(AppConfig):
    name = "awarding"
    default_auto_field = "django.db.models.BigAutoField"
