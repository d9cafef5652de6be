"""Verify an LTI 1.3 launch (the id_token POSTed to /lti/launch/) completely.

Built on pylti1p3 2.0.0's MessageLaunch (the per-message claim validators, Deep Linking),
with our own steps where 2.0.0 falls short: it checks the nonce before the signature and never
consumes it, never checks `aud`/`azp`, trusts the header's `alg` against a key without `alg`,
never refetches the JWKS on an unknown `kid`, and keeps state in a session cookie. See
docs/decisions/0001-pylti1p3-with-overrides.md. The token's unverified header and claims are
read once a launch (unverified_token.py, ADR 0083), not again by pylti1p3's format check.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import jwt
from django.utils.translation import gettext_noop
from pylti1p3.contrib.django import DjangoMessageLaunch
from pylti1p3.exception import LtiException
from pylti1p3.message_launch import TJwtData
from pylti1p3.message_validators import get_validators
from pylti1p3.registration import Registration
from pylti1p3.service_connector import REQUESTS_USER_AGENT
from requests import Session

from .launch_claims import HAS_NUL
from .login_state import LoginRecord, consume_nonce, nonce_was_used
from .models import Deployment, Platform
from .platform_keys import ALLOWED_ALGORITHMS, KeySetReadAhead, platform_public_key
from .refusals import forbidden, malformed, unauthenticated
from .registry import DatabaseToolConf, platform_named, registration_for
from .unverified_token import UnverifiedToken, read_unverified

MAX_ID_TOKEN_CHARS = 64 * 1024
CLOCK_SKEW_S = 30
MAX_TOKEN_AGE_S = 3600 + 300  # Canvas id_tokens live an hour; Moodle's a minute
SUPPORTED_MESSAGES = ("LtiResourceLinkRequest", "LtiDeepLinkingRequest")
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
C_MESSAGE_TYPE = LTI + "message_type"
C_VERSION = LTI + "version"
C_DEPLOYMENT = LTI + "deployment_id"
C_TARGET = LTI + "target_link_uri"
C_ROLES = LTI + "roles"
# Handed to pylti1p3's constructor in place of the requests.Session it would build for every
# launch (~0.1 ms): only its service helpers use one, built on first use (`_requests_session`).
_SESSION_ON_FIRST_USE: Any = object()


@dataclass(frozen=True)
class VerifiedLaunch:
    platform: Platform
    deployment: Deployment
    claims: dict
    message_launch: CredbridgeMessageLaunch

    @property
    def message_type(self) -> str:
        return self.claims[C_MESSAGE_TYPE]


def _origin(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


class CredbridgeMessageLaunch(DjangoMessageLaunch):
    def __init__(
        self,
        request,
        *,
        record: LoginRecord,
        tool_origins: set[str],
        login_platform: Platform | None = None,
        login_deployment: Deployment | None = None,
        unverified: UnverifiedToken | None = None,
        key_set_ahead: KeySetReadAhead | None = None,
    ) -> None:
        """`login_platform`: the login's platform row if the caller loaded it (saves a query;
        the id_token's issuer and client id must still name it). `login_deployment`: a
        deployment of it read with it (registry.login_platform; saves a query; used only if
        the verified deployment_id claim names it). `unverified`: the caller's unverified read
        of the request's id_token (read again if it is of another token). `key_set_ahead`: the
        key set entry the caller read with the login state (used if it is the platform's)."""
        self._lazy_registration: Registration | None = None
        self._lazy_requests_session: Session | None = None
        self.platform: Platform | None = None
        super().__init__(request, DatabaseToolConf(), requests_session=_SESSION_ON_FIRST_USE)
        self._record = record
        self._login_platform = login_platform
        self._login_deployment = login_deployment
        self._unverified = unverified
        self._key_set_ahead = key_set_ahead
        self._tool_origins = {o.lower() for o in tool_origins if o}

    # pylti1p3's service helpers (AGS, NRPS, deep linking) read the registration, which carries
    # the tool's private key; the launch itself does not need it: built on first use only.
    @property
    def _registration(self) -> Registration | None:
        if self._lazy_registration is None and self._validated and self.platform is not None:
            self._lazy_registration = registration_for(self.platform)
        return self._lazy_registration

    @_registration.setter
    def _registration(self, value: Registration | None) -> None:
        self._lazy_registration = value

    @property
    def _requests_session(self) -> Session:
        if self._lazy_requests_session is None:
            self._lazy_requests_session = Session()
            self._lazy_requests_session.headers["User-Agent"] = REQUESTS_USER_AGENT
        return self._lazy_requests_session

    @_requests_session.setter
    def _requests_session(self, value: Session) -> None:
        self._lazy_requests_session = None if value is _SESSION_ON_FIRST_USE else value

    # pylti1p3's validate() keeps its order (nonce before signature); ours is below.
    def validate(self):
        raise LtiException("use verify()")

    def verify(self) -> VerifiedLaunch:
        token = self._request.get_param("id_token") or ""
        if not token:
            raise malformed("missing_id_token", gettext_noop("The launch carries no id_token."))
        if len(token) > MAX_ID_TOKEN_CHARS:
            raise malformed("too_large", gettext_noop("The launch's id_token is too large."))
        read = self._unverified
        if read is None or read.token != token:
            read = read_unverified(token)
        if not read.readable:
            raise malformed("malformed_jwt", gettext_noop("The id_token is not a readable JWT."))
        header, unverified = read.header, read.payload
        # Where pylti1p3's validators and helpers look (its TypedDict of the JWT's parts).
        self._jwt = cast(TJwtData, {"header": header, "body": unverified})
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise unauthenticated(
                "bad_alg",
                gettext_noop("The id_token is not signed with RS256."),
                detail=f"alg={str(header.get('alg'))[:20]!r}",
            )
        platform, client_id = self._find_platform(unverified)
        claims = self._verify_signature(token, header, platform, client_id)
        self._jwt["body"] = claims  # from here on only verified claims are used
        self.platform = platform
        self._check_message(claims)
        deployment = self._check_deployment(platform, claims)
        self._check_target(claims)
        self._consume_nonce(claims)
        self._validated = True
        return VerifiedLaunch(platform, deployment, claims, self)

    def _find_platform(self, body: Mapping[str, Any]) -> tuple[Platform, str]:
        iss, aud, azp = body.get("iss"), body.get("aud"), body.get("azp")
        if not isinstance(iss, str) or not iss:
            raise malformed("missing_claim", gettext_noop("The id_token has no issuer (iss)."))
        audiences = [aud] if isinstance(aud, str) else aud
        if not audiences or not all(isinstance(a, str) for a in audiences):
            raise malformed("missing_claim", gettext_noop("The id_token has no audience (aud)."))
        if azp is not None and azp not in audiences:
            raise forbidden(
                "wrong_azp", gettext_noop("The id_token's authorized party (azp) is not ours.")
            )
        if len(audiences) > 1 and azp is None:
            raise forbidden(
                "wrong_azp", gettext_noop("An id_token with several audiences must name azp.")
            )
        client_id = azp or audiences[0]
        platform = platform_named(self._login_platform, issuer=iss, client_id=client_id)
        if platform is None:
            raise forbidden(
                "unknown_platform",
                gettext_noop(
                    "This tool has no registration for the issuer and client id of this launch."
                ),
                detail=f"iss={iss[:200]!r} client_id={str(client_id)[:100]!r}",
            )
        if platform.pk != self._record.platform_id:
            raise forbidden(
                "platform_mismatch",
                gettext_noop("The launch comes from another platform than its login."),
            )
        return platform, client_id

    def _verify_signature(
        self, token: str, header: Mapping[str, Any], platform: Platform, client_id: str
    ):
        key = platform_public_key(
            platform=platform, kid=str(header.get("kid") or ""), ahead=self._key_set_ahead
        )
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(ALLOWED_ALGORITHMS),
                audience=client_id,
                issuer=platform.issuer,
                leeway=CLOCK_SKEW_S,
                options={"require": ["exp", "iat", "iss", "aud", "nonce"]},
            )
        except jwt.InvalidSignatureError as exc:
            raise unauthenticated(
                "bad_signature", gettext_noop("The id_token's signature is invalid.")
            ) from exc
        except jwt.ExpiredSignatureError as exc:
            raise unauthenticated(
                "expired", gettext_noop("The launch has expired; open it again.")
            ) from exc
        except jwt.ImmatureSignatureError as exc:
            raise unauthenticated(
                "issued_in_future",
                gettext_noop("The id_token was issued in the future (clock skew?)."),
            ) from exc
        except jwt.InvalidAudienceError as exc:
            raise forbidden(
                "wrong_aud", gettext_noop("The id_token is meant for another tool.")
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise forbidden(
                "wrong_iss", gettext_noop("The id_token comes from another issuer.")
            ) from exc
        except (
            jwt.exceptions.InvalidSubjectError,
            jwt.exceptions.InvalidJTIError,
            jwt.exceptions.InvalidIssuedAtError,
        ) as exc:
            raise malformed(
                "bad_claim",
                gettext_noop("The id_token has a malformed claim: %(problem)s"),
                params={"problem": str(exc)},
            ) from exc
        except jwt.MissingRequiredClaimError as exc:
            raise malformed(
                "missing_claim",
                gettext_noop("The id_token lacks the %(claim)s claim."),
                params={"claim": exc.claim},
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise unauthenticated(
                "invalid_token",
                gettext_noop("The id_token could not be verified."),
                detail=str(exc)[:200],
            ) from exc
        if time.time() - claims["iat"] > MAX_TOKEN_AGE_S:
            raise unauthenticated("expired", gettext_noop("The launch is too old; open it again."))
        return claims

    def _check_message(self, claims: dict) -> None:
        if claims.get(C_VERSION) != "1.3.0":
            raise malformed("wrong_version", gettext_noop("Only LTI 1.3.0 launches are supported."))
        message_type = claims.get(C_MESSAGE_TYPE)
        if message_type not in SUPPORTED_MESSAGES:
            raise malformed(
                "unsupported_message_type",
                gettext_noop("This tool does not handle this kind of LTI message."),
                detail=f"message_type={str(message_type)[:60]!r}",
            )
        if not isinstance(claims.get(C_ROLES), list):
            raise malformed("missing_claim", gettext_noop("The id_token lacks the roles claim."))
        self._check_shapes(claims)
        try:
            for validator in get_validators():
                if validator.can_validate(claims):
                    validator.validate(claims)
        except LtiException as exc:
            raise malformed(
                "missing_claim",
                gettext_noop("The launch is incomplete: %(problem)s."),
                params={"problem": str(exc)},
            ) from exc

    @staticmethod
    def _check_shapes(claims: dict) -> None:
        """Claims the rest of the tool reads must have their specified JSON types."""
        if not isinstance(claims.get("sub"), str) or not claims["sub"] or len(claims["sub"]) > 255:
            raise malformed(
                "bad_claim", gettext_noop("The id_token's subject (sub) is not a short string.")
            )
        for name in ("name", "given_name", "family_name", "email"):
            if name in claims and not isinstance(claims[name], str):
                raise malformed(
                    "bad_claim",
                    gettext_noop("The id_token's %(claim)s claim is not a string."),
                    params={"claim": name},
                )
        objects = (
            "context",
            "resource_link",
            "launch_presentation",
            "lis",
            "custom",
        )
        for name in objects:
            if LTI + name in claims and not isinstance(claims[LTI + name], dict):
                raise malformed(
                    "bad_claim",
                    gettext_noop("The id_token's %(claim)s claim is not an object."),
                    params={"claim": name},
                )
        for claim in (
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
        ):
            if claim in claims and not isinstance(claims[claim], dict):
                raise malformed(
                    "bad_claim", gettext_noop("A service claim of the id_token is not an object.")
                )
        context = claims.get(LTI + "context") or {}
        if "id" in context and not isinstance(context["id"], (str, int)):
            raise malformed("bad_claim", gettext_noop("The id_token's context id is not a string."))

    def _check_deployment(self, platform: Platform, claims: dict) -> Deployment:
        deployment_id = claims.get(C_DEPLOYMENT)
        if not isinstance(deployment_id, str) or not deployment_id or len(deployment_id) > 255:
            raise malformed(
                "missing_claim", gettext_noop("The id_token lacks the deployment_id claim.")
            )
        if "\x00" in deployment_id:  # PostgreSQL refuses it in text: a 400, not a 500
            raise malformed("bad_claim", HAS_NUL, params={"what": "deployment id"})
        known = self._login_deployment
        if (
            known is not None
            and known.platform_id == platform.pk
            and known.deployment_id == deployment_id
        ):
            deployment: Deployment | None = known
        else:
            deployment = Deployment.objects.filter(
                platform=platform, deployment_id=deployment_id
            ).first()
        if deployment is None and platform.auto_activate_deployments:
            deployment, _ = Deployment.objects.get_or_create(
                platform=platform, deployment_id=deployment_id
            )
        if deployment is None or not deployment.active:
            raise forbidden(
                "unknown_deployment",
                gettext_noop(
                    "This installation of the tool (deployment %(deployment)s) is not "
                    "registered; ask your LMS administrator to register it in Credbridge."
                ),
                params={"deployment": deployment_id[:80]},
            )
        return deployment

    def _check_target(self, claims: dict) -> None:
        target = claims.get(C_TARGET)
        if not isinstance(target, str) or not target:
            raise malformed(
                "missing_claim", gettext_noop("The id_token lacks the target_link_uri claim.")
            )
        if _origin(target) not in self._tool_origins:
            raise forbidden(
                "foreign_target_link_uri", gettext_noop("The launch is addressed to another tool.")
            )

    def _consume_nonce(self, claims: dict) -> None:
        nonce = str(claims.get("nonce") or "")
        if not consume_nonce(record=self._record, nonce=nonce):
            if nonce_was_used(nonce):
                raise forbidden(
                    "nonce_replayed", gettext_noop("This launch was already used once.")
                )
            raise forbidden(
                "nonce_mismatch", gettext_noop("The launch does not belong to its login.")
            )
