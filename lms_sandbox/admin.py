"""Django admin for the sandbox: platforms (registration, scopes, page size), courses and
fault switches can be inspected and changed there as well as on the sandbox's own pages."""

from django.contrib import admin
from django.db import models

from .models import (
    FaultSwitch,
    SandboxCourse,
    SandboxEnrolment,
    SandboxLineItem,
    SandboxPlatform,
    SandboxResult,
    SandboxUser,
)


class FaultInline(admin.TabularInline):
    model = FaultSwitch
    extra = 1
    fields = ("kind", "target", "remaining", "retry_after", "delay_seconds", "hits")
    readonly_fields = ("hits",)


@admin.register(SandboxPlatform)
class SandboxPlatformAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "flavour", "client_id", "deployment_id")
    # The key material is never shown or edited here.
    exclude = ("private_key_encrypted",)
    readonly_fields = ("kid", "public_jwk")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [FaultInline]


@admin.register(FaultSwitch)
class FaultSwitchAdmin(admin.ModelAdmin):
    list_display = ("platform", "kind", "target", "remaining", "hits", "created_at")
    list_filter = ("kind", "target")


@admin.register(SandboxCourse)
class SandboxCourseAdmin(admin.ModelAdmin):
    list_display = ("title", "platform", "context_id", "concluded")
    list_filter = ("platform", "concluded")


@admin.register(SandboxUser)
class SandboxUserAdmin(admin.ModelAdmin):
    list_display = ("name", "sub", "platform", "is_site_admin")
    search_fields = ("name", "sub", "email")
    list_filter = ("platform",)


admin.site.register(SandboxEnrolment)
admin.site.register(SandboxLineItem)
admin.site.register(SandboxResult)
