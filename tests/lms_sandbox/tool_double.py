"""A minimal LTI tool used only by the sandbox's own tests (the real tool is lti_tool).

It plays the tool's side of the OIDC flow just far enough to exercise the platform:
login initiation -> auth request (auto-submitted GET form) -> id_token, verified against
the platform's JWKS fetched over HTTP; the launch answers the verified claims as JSON.
"""

from __future__ import annotations

import json
import secrets

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from lti_tool.models import Platform

# The double's own throwaway key pair, served as its JWKS (client assertions are signed
# with it in the tests; a second key, never published, plays the forger).
TOOL_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
TOOL_KID = "double-key-1"


def jwks(request):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(TOOL_KEY.public_key()))
    return JsonResponse({"keys": [{**jwk, "kid": TOOL_KID, "alg": "RS256", "use": "sig"}]})


@csrf_exempt
def login(request):
    data = request.POST if request.method == "POST" else request.GET
    platform = Platform.objects.get(issuer=data["iss"], client_id=data["client_id"])
    state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
    cache.set(f"double-state:{state}", {"nonce": nonce, "platform": platform.pk}, 300)
    redirect_uri = request.build_absolute_uri("/testtool/launch/")
    params = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": data["login_hint"],
        "lti_message_hint": data.get("lti_message_hint", ""),
        "state": state,
        "nonce": nonce,
    }
    inputs = "".join(
        f'<input type="hidden" name="{k}" value="{v.replace(chr(34), "&quot;")}">'
        for k, v in params.items()
    )
    html = (
        f'<html><body><form id="f" method="get" action="{platform.auth_login_url}">{inputs}'
        f'</form><script>document.getElementById("f").submit()</script></body></html>'
    )
    return HttpResponse(html)


@csrf_exempt
def launch(request):
    if "error" in request.POST:
        return JsonResponse({"error": dict(request.POST.items())}, status=400)
    stored = cache.get(f"double-state:{request.POST.get('state', '')}")
    if not stored:
        return JsonResponse({"error": "unknown state"}, status=400)
    platform = Platform.objects.get(pk=stored["platform"])
    header = jwt.get_unverified_header(request.POST["id_token"])
    keyset = requests.get(platform.key_set_url, timeout=10).json()
    jwk = next(k for k in keyset["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(
        request.POST["id_token"],
        jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        audience=platform.client_id,
        issuer=platform.issuer,
    )
    if claims["nonce"] != stored["nonce"]:
        return JsonResponse({"error": "nonce mismatch"}, status=400)
    return JsonResponse({"claims": claims, "header": header, "form": dict(request.POST.items())})


def register(request):
    """Dynamic Registration, tool side, just enough to exercise the platform's endpoints."""
    config_url = request.GET["openid_configuration"]
    token = request.GET["registration_token"]
    auth = {"Authorization": f"Bearer {token}"}
    config = requests.get(config_url, headers=auth, timeout=10).json()
    base = request.build_absolute_uri("/testtool/")
    body = {
        "application_type": "web",
        "grant_types": ["client_credentials", "implicit"],
        "response_types": ["id_token"],
        "redirect_uris": [base + "launch/"],
        "initiate_login_uri": base + "login/",
        "client_name": "Double",
        "jwks_uri": base + "jwks.json",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(s for s in config["scopes_supported"] if "lti-ags" in s or "nrps" in s),
        "https://purl.imsglobal.org/spec/lti-tool-configuration": {
            "domain": request.get_host(),
            "target_link_uri": base + "launch/",
            "claims": ["iss", "sub", "name"],
            "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri": base + "launch/"}],
        },
    }
    answer = requests.post(config["registration_endpoint"], json=body, headers=auth, timeout=10)
    answer.raise_for_status()
    data = answer.json()
    tool_conf = data["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    deployment = data.get("deployment_id") or tool_conf.get("deployment_id")
    platform, _ = Platform.objects.update_or_create(
        issuer=config["issuer"],
        client_id=data["client_id"],
        defaults={
            "name": "registered",
            "auth_login_url": config["authorization_endpoint"],
            "auth_token_url": config["token_endpoint"],
            "key_set_url": config["jwks_uri"],
        },
    )
    platform.deployments.get_or_create(deployment_id=deployment)
    return HttpResponse(
        '<p id="done">registered</p><script>(window.opener || window.parent)'
        '.postMessage({subject: "org.imsglobal.lti.close"}, "*")</script>'
    )


urlpatterns = [
    path("testtool/login/", login),
    path("testtool/launch/", launch),
    path("testtool/jwks.json", jwks),
    path("testtool/register/", register),
    path("", include("config.urls")),
]
