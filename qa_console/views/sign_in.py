"""Password sign-in and sign-out of the console's own users (Django auth, throttled by
django-axes). LMS administrators come in through the handoff instead (views.handoff)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse, reverse_lazy


class QALoginView(auth_views.LoginView):
    template_name = "qa_console/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("qa:home")


class QALogoutView(auth_views.LogoutView):
    # Resolved when used (the URLconf is not loaded at import); django-stubs wants a str.
    next_page = reverse_lazy("qa:login")  # type: ignore[assignment]
