"""A backpack (an Open Badges API client, Host role) written for the tests: it reads the
discovery document, registers itself, sends the learner's browser to the authorization
endpoint with PKCE, and exchanges the code; the learner's browser is a requests.Session
that does what the Connected apps page and the consent page make a browser do."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

OB = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIALS = OB + "credential.readonly"
PROFILE = OB + "profile.readonly"
REDIRECT = "https://backpack.example/oauth/callback"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


class _Form(HTMLParser):
    """The inputs of the page's form with the given id (or of its first form)."""

    def __init__(self, form_id: str | None = None):
        super().__init__()
        self.form_id, self.inside, self.found, self.fields = form_id, False, False, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (
            tag == "form"
            and not self.found
            and (self.form_id is None or a.get("id") == self.form_id)
        ):
            self.inside = self.found = True
        elif tag == "input" and self.inside and a.get("name") and a.get("type") != "submit":
            self.fields[a["name"]] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html: str, form_id: str | None = None) -> dict[str, str]:
    parser = _Form(form_id)
    parser.feed(html)
    return parser.fields


@dataclass
class Backpack:
    base_url: str
    redirect_uri: str = REDIRECT
    discovery: dict = field(default_factory=dict)
    client_id: str = ""
    client_secret: str = ""

    def discover(self) -> dict:
        response = requests.get(f"{self.base_url}/ims/ob/v3p0/discovery", timeout=30)
        response.raise_for_status()
        self.discovery = response.json()
        return self.discovery

    @property
    def flow(self) -> dict:
        scheme = self.discovery["components"]["securitySchemes"]["OAuth2ACG"]
        return {
            **scheme["flows"]["authorizationCode"],
            "registrationUrl": scheme["x-imssf-registrationUrl"],
        }

    def metadata(self, **overrides) -> dict:
        body = {
            "client_name": "Test Backpack",
            "client_uri": "https://backpack.example/",
            "logo_uri": "https://backpack.example/logo.png",
            "tos_uri": "https://backpack.example/terms",
            "policy_uri": "https://backpack.example/privacy",
            "software_id": "backpack-under-test",
            "software_version": "1.0",
            "redirect_uris": [self.redirect_uri],
            "token_endpoint_auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": f"{CREDENTIALS} {PROFILE} {OB}credential.upsert {OB}profile.update",
        }
        body.update(overrides)
        return body

    def register(self, **overrides) -> requests.Response:
        if not self.discovery:
            self.discover()
        response = requests.post(
            self.flow["registrationUrl"], json=self.metadata(**overrides), timeout=30
        )
        if response.status_code == 201:
            self.client_id = response.json()["client_id"]
            self.client_secret = response.json()["client_secret"]
        return response

    def authorize_url(
        self,
        *,
        scope: str,
        state: str,
        challenge: str | None,
        method: str | None = "S256",
        redirect_uri: str | None = None,
    ) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri or self.redirect_uri,
            "scope": scope,
            "state": state,
        }
        if challenge is not None:
            query["code_challenge"] = challenge
        if method is not None:
            query["code_challenge_method"] = method
        return f"{self.flow['authorizationUrl']}?{urlencode(query)}"

    def token(self, **data) -> requests.Response:
        return requests.post(
            self.flow["tokenUrl"], data=data, auth=(self.client_id, self.client_secret), timeout=30
        )

    def exchange(self, code: str, verifier: str) -> requests.Response:
        return self.token(
            grant_type="authorization_code",
            code=code,
            redirect_uri=self.redirect_uri,
            code_verifier=verifier,
        )

    def get(self, path: str, token: str | None, **params) -> requests.Response:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return requests.get(
            f"{self.base_url}/ims/ob/v3p0/{path}", params=params, headers=headers, timeout=30
        )


def sign_in_browser(base_url: str, launch_token: str) -> requests.Session:
    """The learner presses "Sign in to connect an app" on their Connected apps page."""
    browser = requests.Session()
    response = browser.post(
        f"{base_url}/learner/connected-apps/sign-in", data={"lt": launch_token}, timeout=30
    )
    assert response.status_code == 200, response.text
    return browser


def consent(browser: requests.Session, url: str, *, allow: bool = True) -> requests.Response:
    """Open the authorization URL and press Allow (or Cancel) the way the consent page does."""
    page = browser.get(url, timeout=30, allow_redirects=False)
    assert page.status_code == 200, page.text
    fields = form_fields(page.text, "authorizationForm")
    if allow:
        fields["allow"] = "Authorize"
    return browser.post(
        url, data=fields, timeout=30, allow_redirects=False, headers={"Referer": url}
    )


def callback(response: requests.Response) -> dict[str, str]:
    """The query of the redirect to the backpack (code and state, or error)."""
    assert response.status_code == 302, (response.status_code, response.text[:500])
    location = response.headers["Location"]
    assert location.startswith(REDIRECT), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
