"""The tool's public key set, fetched by platforms to verify what the tool signs."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from ..keys import public_jwks


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(public_jwks())
    # Short: a rotation's new key must reach platforms well within its publish-ahead time.
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
