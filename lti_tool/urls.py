from django.urls import path

from . import views_deep_linking, views_keys, views_launch, views_registration

app_name = "lti_tool"
urlpatterns = [
    path("jwks.json", views_keys.jwks, name="jwks"),
    path("login/", views_launch.login, name="login"),
    path("launch/", views_launch.launch, name="launch"),
    path("login/frame-return/", views_launch.frame_return, name="frame_return"),
    path("deep-link/", views_deep_linking.deep_link, name="deep_link"),
    path("register/", views_registration.register_view, name="register"),
    path("canvas.json", views_registration.canvas_json, name="canvas_json"),
]
