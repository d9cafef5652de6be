"""Imsx_StatusInfo error bodies (OB 3.0 §6.2 responses; the imsx_statusinfo schema)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.cache import patch_cache_control

# HTTP status -> imsx_codeMinorFieldValue (the schema's enumeration).
CODE_MINOR = {
    400: "invalid_query_parameter",
    401: "unauthorizedrequest",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    413: "invalid_data",
    500: "internal_server_error",
}


def status_info(description: str, *, status: int, code_minor: str | None = None) -> dict:
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "TargetEndSystem",
                    "imsx_codeMinorFieldValue": code_minor or CODE_MINOR.get(status, "unknown"),
                }
            ]
        },
    }


def imsx_error(
    description: str, *, status: int, code_minor: str | None = None, bearer_error: str = ""
) -> JsonResponse:
    response = JsonResponse(
        status_info(description, status=status, code_minor=code_minor), status=status
    )
    patch_cache_control(response, no_store=True)
    if status == 401 or bearer_error:
        challenge = 'Bearer realm="credbridge"'
        if bearer_error:
            challenge += f', error="{bearer_error}"'
        response["WWW-Authenticate"] = challenge
    return response
