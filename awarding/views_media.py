"""Public: an achievement's uploaded image, at the URL signed credentials carry
(PUBLIC_BASE_URL + MEDIA_URL + the stored name, see awarding.credential_inputs).

Only a name an Achievement's image field holds is served, so no request can reach any other
file under MEDIA_ROOT (nor, by `..`, outside it); raster types only, since an SVG or HTML
file served from this origin could run script.
"""

from __future__ import annotations

import mimetypes

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from .models import Achievement

_RASTER = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# An upload is stored under a fresh name, so a name's bytes do not change: credentials
# and verifiers may keep them a day.
_MAX_AGE = 24 * 3600


@require_GET
def achievement_image(request: HttpRequest, name: str) -> FileResponse:
    content_type, _ = mimetypes.guess_type(name)
    if content_type not in _RASTER or not Achievement.objects.filter(image=name).exists():
        raise Http404("No such image.")
    try:
        handle = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation) as exc:
        raise Http404("No such image.") from exc
    response = FileResponse(handle, content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, public=True, max_age=_MAX_AGE)
    return response
