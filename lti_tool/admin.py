"""Manual registration in the Django admin: platforms, their deployments, the tool's keys."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST

from .approval import approve
from .models import Deployment, Platform, ToolKey


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1
    fields = ("deployment_id", "active", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    # A URL typed without a scheme means https (Django 6 default; 5.2 warns without this).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "name",
        "status",
        "flavour",
        "issuer",
        "client_id",
        "registered_from",
        "auto_activate_deployments",
        "needs_attention",
    )
    list_filter = ("status", "flavour", "auto_activate_deployments")
    search_fields = ("name", "issuer", "client_id")
    readonly_fields = (
        "created_at",
        "needs_attention",
        "status",
        "registered_via",
        "registered_from",
        "approved_at",
        "approved_by",
    )
    inlines = [DeploymentInline]
    actions = ["approve_selected"]
    fieldsets = (
        (None, {"fields": ("name", "flavour", "issuer", "client_id")}),
        (
            "Approval",
            {
                "fields": (
                    "status",
                    "registered_via",
                    "registered_from",
                    "approved_at",
                    "approved_by",
                )
            },
        ),
        (
            "Platform endpoints",
            {
                "fields": (
                    "auth_login_url",
                    "auth_token_url",
                    "auth_audience",
                    "key_set_url",
                    "service_hosts",
                )
            },
        ),
        ("Deployments", {"fields": ("auto_activate_deployments",)}),
        ("Status", {"fields": ("needs_attention", "created_at")}),
    )

    def get_queryset(self, request):
        # Pending registrations first: they are what an operator comes here for.
        pending_first = Case(
            When(status=Platform.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return super().get_queryset(request).order_by(pending_first, "-created_at")

    def save_model(self, request, obj, form, change):
        if not change:  # an operator typed it in: active, like register_platform
            obj.registered_via = "admin"
        super().save_model(request, obj, form, change)

    def get_urls(self):
        approve_url = path(
            "<int:platform_id>/approve/",
            self.admin_site.admin_view(require_POST(self.approve_view)),
            name="lti_tool_platform_approve",
        )
        return [approve_url, *super().get_urls()]

    def approve_view(self, request, platform_id: int):
        """The change page's "Approve this registration" button (POST, CSRF-checked)."""
        platform = get_object_or_404(Platform, pk=platform_id)
        if not self.has_change_permission(request, platform):
            raise PermissionDenied
        if approve(platform_id=platform.pk, actor=request.user.get_username()):
            self.message_user(request, f"Approved: {platform.name}.", messages.SUCCESS)
        else:
            self.message_user(request, f"{platform.name} was not pending.", messages.WARNING)
        return redirect("admin:lti_tool_platform_change", platform.pk)

    @admin.action(description="Approve the selected pending registrations")
    def approve_selected(self, request, queryset):
        approved = [
            p for p in queryset if approve(platform_id=p.pk, actor=request.user.get_username())
        ]
        names = ", ".join(p.name for p in approved) or "none (only pending ones can be)"
        self.message_user(request, f"Approved: {names}.", messages.SUCCESS)


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    list_display = ("platform", "deployment_id", "active", "created_at")
    list_filter = ("active", "platform")
    search_fields = ("deployment_id", "platform__name", "platform__issuer")


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are made and rotated by `manage.py rotate_tool_key`; the private
    key never appears here."""

    list_display = ("kid", "created_at", "activate_after", "retire_after")
    fields = ("kid", "public_jwk", "created_at", "activate_after", "retire_after")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
