from django.urls import path

from .views import deep_linking, keys, launch, registration

app_name = "lti_tool"
urlpatterns = [
    path("jwks.json", keys.jwks, name="jwks"),
    path("login/", launch.login, name="login"),
    path("launch/", launch.launch, name="launch"),
    path("login/frame-return/", launch.frame_return, name="frame_return"),
    path("deep-link/", deep_linking.deep_link, name="deep_link"),
    path("register/", registration.register_view, name="register"),
    path("canvas.json", registration.canvas_json, name="canvas_json"),
]
