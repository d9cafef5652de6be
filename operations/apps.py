from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Figures for the people who run Credbridge: sync lag, queue depth, issuance counts.

    Above every production app: it reads their models, none of them imports it (ADR 0005).
    """

    name = "operations"
    verbose_name = "Operations"
