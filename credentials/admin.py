"""Admin: issuers are edited here; keys and credentials are shown, never edited by hand."""

from django.contrib import admin
from django.db import models

from .models import Credential, Issuer, SigningKey, StatusList


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    # A URL typed without a scheme means https (Django 6 default; 5.2 warns without this).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["slug", "name", "url", "is_default", "created_at"]
    search_fields = ["slug", "name"]
    readonly_fields = ["did_shown", "created_at"]

    @admin.display(description="DID")
    def did_shown(self, obj: Issuer) -> str:
        return obj.did if obj.pk else ""


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ["issuer", "key_id", "created_at", "retired_at", "compromised_at"]
    list_filter = ["issuer"]
    # The encrypted private key is never shown; rotation and compromise go through commands.
    exclude = ["private_key_encrypted"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "private_key_encrypted"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ["issuer", "number", "size", "revision", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["id", "achievement_name", "issuer", "status", "is_public", "issued_at"]
    list_filter = ["status", "issuer", "is_public"]
    search_fields = ["id", "achievement_name"]
    date_hierarchy = "issued_at"

    def get_readonly_fields(self, request, obj=None):
        # Status changes go through revocation (reason + audit event); is_public may be toggled.
        return [f.name for f in self.model._meta.fields if f.name != "is_public"]

    def save_model(self, request, obj, form, change):
        obj.save(update_fields=["is_public"])

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
