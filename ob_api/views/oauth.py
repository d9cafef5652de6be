"""The authorization and token endpoints: django-oauth-toolkit's views, with the learner
named by the consent cookie (ob_api.holders), PKCE held to S256, the consent page ours, and
every grant audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.views import AuthorizationView, TokenView
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError

from audit.events import record_event
from lti_tool.content_security import page_policy

from ..holders import consenting_holder


def _not_framed(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # The consent page is never shown inside another site's frame (clickjacking).
    response["Content-Security-Policy"] = page_policy(
        nonce=getattr(request, "csp_nonce", ""), frame_ancestors="'none'"
    )
    return response


class AuthorizeView(AuthorizationView):
    template_name = "ob_api/consent.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Only the consent cookie names the user here: never a Django session (a QA
        # person signed in to the console must not grant apps access as themselves).
        self.holder = consenting_holder(request)
        request.user = self.holder.user if self.holder else AnonymousUser()
        return _not_framed(request, super().dispatch(request, *args, **kwargs))

    def validate_authorization_request(self, request: HttpRequest) -> Any:
        scopes, credentials = super().validate_authorization_request(request)
        # PKCE_REQUIRED makes a code_challenge mandatory; "plain" is refused as well.
        if credentials.get("code_challenge_method") != "S256":
            raise OAuthToolkitError(
                error=InvalidRequestError(
                    description="PKCE with code_challenge_method=S256 is required.",
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials["redirect_uri"],
            )
        return scopes, credentials

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["learner"] = self.holder.learner if self.holder else None
        context["client"] = getattr(kwargs.get("application"), "ob_client", None)
        return context

    def handle_no_permission(self) -> HttpResponse:
        """No consent cookie: a page that says how to sign in, once the request is valid."""
        try:
            _, credentials = self.validate_authorization_request(self.request)
        except OAuthToolkitError as error:
            return self.error_response(error, application=None)
        from oauth2_provider.models import get_application_model  # noqa: PLC0415  # swappable model

        application = get_application_model().objects.get(client_id=credentials["client_id"])
        return render(
            self.request, "ob_api/sign_in_needed.html", {"application": application}, status=401
        )

    def form_valid(self, form: Any) -> HttpResponse:
        if form.cleaned_data.get("code_challenge_method") != "S256":
            return render(
                self.request,
                "ob_api/sign_in_needed.html",
                {"error": "PKCE with S256 is required."},
                status=400,
            )
        with transaction.atomic():
            response = super().form_valid(form)
            assert self.holder is not None  # dispatch: no holder, no form
            allow = "code=" in response.get("Location", "")
            record_event(
                actor=f"lti:{self.holder.learner.platform_id}:{self.holder.learner.sub}",
                action="ob_api.consent_given" if allow else "ob_api.consent_refused",
                object_type="oauth2_provider.Application",
                object_id=form.cleaned_data.get("client_id", ""),
                after={
                    "scope": form.cleaned_data.get("scope", ""),
                    "holder": self.holder.learner_id,
                },
                platform_id=self.holder.learner.platform_id,
            )
        return response


class AuditedTokenView(TokenView):
    """The library's token endpoint in one transaction, so the token and its audit entry
    (ob_api.audit_signals) are kept together."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            return super().post(request, *args, **kwargs)
