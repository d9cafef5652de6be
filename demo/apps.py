from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo story (`seed_demo`): installed only with the sandbox LMS, never in production.

    It drives the sandbox LMS and the tool together, so it cannot live in a production app
    (ADR 0005); it has no models.
    """

    name = "demo"
