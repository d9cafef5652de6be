"""Admin: account links are asked for and approved here by staff (ADR 0065), through the
services that check them and write the audit entry; pathways are read here and written in
the QA console, where their review happens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from assessments.models import Learner

from .account_links import (
    AccountLinkError,
    approve_link,
    check_linkable,
    remove_link,
    request_link,
)
from .models import AccountLink, Pathway


def _staff_actor(request: HttpRequest) -> str:
    return f"user:{request.user.pk}"


class AccountLinkForm(forms.ModelForm):
    """Both accounts by id (raw id fields) and how staff know they are one person."""

    class Meta:
        model = AccountLink
        fields = ("first", "second", "reason")
        labels = {"first": "One account", "second": "The other account"}
        help_texts = {
            "reason": "How the person was identified (for example: checked their ID card at "
            "the registry, ticket 1234). A shared e-mail address is not enough."
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, other = data.get("first"), data.get("second")
        if isinstance(one, Learner) and isinstance(other, Learner):
            try:
                check_linkable(one=one, other=other, reason=data.get("reason", ""))
            except AccountLinkError as exc:
                raise ValidationError(str(exc)) from exc
            # Stored in one order (the model's constraint), whichever way it was entered.
            data["first"], data["second"] = sorted((one, other), key=lambda learner: learner.pk)
        return data


@admin.register(AccountLink)
class AccountLinkAdmin(admin.ModelAdmin):
    list_display = ("first", "second", "state", "requested_by", "requested_at", "decided_by")
    list_filter = ("state",)
    search_fields = ("first__sub", "second__sub", "first__name", "second__name")
    raw_id_fields = ("first", "second")
    actions = ["approve_selected", "remove_selected"]
    form = AccountLinkForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A link is never edited: it is approved or removed (each an audited step).
        if obj is not None:
            return ("first", "second", "reason", "state", "requested_by", "decided_by")
        return ()

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return  # nothing of a link is edited here (its fields are read-only)
        try:
            made = request_link(
                one=obj.first, other=obj.second, reason=obj.reason, actor=_staff_actor(request)
            )
        except AccountLinkError as exc:  # asked for twice at the same moment
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk, obj.state, obj.requested_by = made.pk, made.state, made.requested_by

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Approve the selected links (not your own requests)")
    def approve_selected(self, request: HttpRequest, queryset: Any) -> None:
        for link in queryset:
            try:
                approve_link(link=link, actor=_staff_actor(request))
            except AccountLinkError as exc:
                self.message_user(request, f"{link}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Approved: {link.first} ⇄ {link.second}.")

    @admin.action(description="Remove the selected links")
    def remove_selected(self, request: HttpRequest, queryset: Any) -> None:
        for link in queryset:
            remove_link(link=link, actor=_staff_actor(request))
        self.message_user(request, "Removed.")


@admin.register(Pathway)
class PathwayAdmin(admin.ModelAdmin):
    list_display = ("achievement", "platform", "rule", "state", "approved_by_name")
    list_filter = ("state", "platform")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
