"""The OB 3.0 scopes this Provider grants, and a client's scopes limited to its registration."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import SettingsScopes

SCOPE_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READONLY = SCOPE_PREFIX + "credential.readonly"
PROFILE_READONLY = SCOPE_PREFIX + "profile.readonly"
SUPPORTED = (CREDENTIAL_READONLY, PROFILE_READONLY)


class RegisteredScopes(SettingsScopes):
    """django-oauth-toolkit's scopes, narrowed to what the client registered (RFC 7591 `scope`).

    An authorization request for a scope the client did not register, or one this Provider
    does not implement (upsert, profile.update), is refused with `invalid_scope`.
    """

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        available = super().get_available_scopes(application, request, *args, **kwargs)
        registered = getattr(application, "ob_client", None) if application is not None else None
        if registered is None:
            return available
        allowed = set(registered.scope.split())
        return [scope for scope in available if scope in allowed]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [
            scope
            for scope in super().get_default_scopes(application, request, *args, **kwargs)
            if scope in self.get_available_scopes(application, request)
        ]
