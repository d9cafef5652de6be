from django.http import HttpRequest

from .launch_context import NO_LAUNCH


def launch(request: HttpRequest) -> dict:
    """Templates get `launch` and `lt` (the token to carry in links and forms)."""
    ctx = getattr(request, "lti_launch", NO_LAUNCH)
    return {"launch": ctx, "lt": ctx.token}
