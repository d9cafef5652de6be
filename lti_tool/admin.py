"""Manual registration in the Django admin: platforms, their deployments, the tool's keys."""

from django.contrib import admin

from .models import Deployment, Platform, ToolKey


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1
    fields = ("deployment_id", "active", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "flavour",
        "issuer",
        "client_id",
        "auto_activate_deployments",
        "needs_attention",
    )
    list_filter = ("flavour", "auto_activate_deployments")
    search_fields = ("name", "issuer", "client_id")
    readonly_fields = ("created_at", "needs_attention")
    inlines = [DeploymentInline]
    fieldsets = (
        (None, {"fields": ("name", "flavour", "issuer", "client_id")}),
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
