"""Admin: frameworks (read and fix titles), QA scopes (who reviews for which institution),
and rubrics read-only — their changes go through the workflow, which audits them."""

from django.contrib import admin
from django.db import models

from audit.events import record_event

from .models import Competence, Framework, ProficiencyLevel, QAScope, Rubric, RubricVersion


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    # A URL typed without a scheme means https (Django 6 default; 5.2 warns without this).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "version", "slug", "source"]
    readonly_fields = ["source"]


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    # A URL typed without a scheme means https (Django 6 default; 5.2 warns without this).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["code", "title", "kind", "framework"]
    list_filter = ["framework", "kind"]
    search_fields = ["code", "title"]


@admin.register(ProficiencyLevel)
class ProficiencyLevelAdmin(admin.ModelAdmin):
    # A URL typed without a scheme means https (Django 6 default; 5.2 warns without this).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["code", "name", "group", "framework"]
    list_filter = ["framework"]


@admin.register(QAScope)
class QAScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "platform"]
    list_filter = ["platform"]
    autocomplete_fields = ["user"]

    # Who may approve rubrics is itself audited.
    def save_model(self, request, obj, form, change) -> None:
        before = None
        if change:
            old = QAScope.objects.get(pk=obj.pk)
            before = {"user_id": old.user_id, "platform_id": old.platform_id}
        super().save_model(request, obj, form, change)
        record_event(
            actor=f"user:{request.user.pk}",
            action="qa_scope.changed" if change else "qa_scope.granted",
            object_type="qa_scope",
            object_id=str(obj.pk),
            before=before,
            after={"user_id": obj.user_id, "platform_id": obj.platform_id},
            platform_id=obj.platform_id,
        )

    def delete_model(self, request, obj) -> None:
        before = {"user_id": obj.user_id, "platform_id": obj.platform_id}
        pk, platform_id = obj.pk, obj.platform_id
        super().delete_model(request, obj)
        record_event(
            actor=f"user:{request.user.pk}",
            action="qa_scope.revoked",
            object_type="qa_scope",
            object_id=str(pk),
            before=before,
            platform_id=platform_id,
        )


@admin.register(Rubric)
class RubricAdmin(_ReadOnly):
    list_display = ["title", "course", "created_by", "created_at"]
    search_fields = ["title", "course__title"]


@admin.register(RubricVersion)
class RubricVersionAdmin(_ReadOnly):
    list_display = ["rubric", "number", "state", "author_name", "reviewed_by_name", "created_at"]
    list_filter = ["state"]
