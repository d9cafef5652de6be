from django.urls import path  # noqa: F401

app_name = "lms_sandbox"
urlpatterns: list = []
