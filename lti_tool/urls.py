from django.urls import path

from . import views_keys

app_name = "lti_tool"
urlpatterns = [
    path("jwks.json", views_keys.jwks, name="jwks"),
]
