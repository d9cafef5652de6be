"""Read-mostly admin of the evidence store: evidence is never edited by hand."""

from django.contrib import admin
from django.db import models

from .models import Course, CourseNotice, Enrolment, Learner, LineItem, Result, SyncRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    # A URL typed without a scheme means https (Django 6 default; 5.2 warns without this).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "title",
        "context_id",
        "platform",
        "concluded",
        "sync_enabled",
        "last_launch_at",
    )
    list_filter = ("platform", "concluded", "sync_enabled")
    search_fields = ("title", "context_id", "label")
    # Service URLs come from verified launches only; an admin may pause syncing, nothing more.
    fields = (
        "platform",
        "context_id",
        "title",
        "label",
        "lineitems_url",
        "memberships_url",
        "ags_scopes",
        "concluded",
        "concluded_at",
        "end_date",
        "sync_enabled",
    )
    readonly_fields = tuple(f for f in fields if f not in ("end_date", "sync_enabled"))

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "course",
        "trigger",
        "outcome",
        "started_at",
        "finished_at",
        "pages",
        "new_results",
        "changed_results",
        "unchanged_results",
    )
    list_filter = ("outcome", "trigger")


@admin.register(CourseNotice)
class CourseNoticeAdmin(ReadOnlyAdmin):
    list_display = ("course", "kind", "created_at", "dismissed")


@admin.register(Learner)
class LearnerAdmin(ReadOnlyAdmin):
    list_display = ("name", "sub", "platform", "email")
    search_fields = ("name", "sub", "email")


admin.site.register(Enrolment, ReadOnlyAdmin)
admin.site.register(LineItem, ReadOnlyAdmin)
admin.site.register(Result, ReadOnlyAdmin)
