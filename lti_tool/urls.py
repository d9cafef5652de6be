from django.urls import path

from . import views_deep_linking, views_keys, views_launch

app_name = "lti_tool"
urlpatterns = [
    path("jwks.json", views_keys.jwks, name="jwks"),
    path("login/", views_launch.login, name="login"),
    path("launch/", views_launch.launch, name="launch"),
    path("deep-link/", views_deep_linking.deep_link, name="deep_link"),
]
