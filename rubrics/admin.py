"""Admin: frameworks (read and fix titles), QA scopes (who reviews for which institution),
and rubrics read-only — their changes go through the workflow, which audits them."""

from django.contrib import admin

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
    list_display = ["name", "version", "slug", "source"]
    readonly_fields = ["source"]


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "framework"]
    list_filter = ["framework", "kind"]
    search_fields = ["code", "title"]


@admin.register(ProficiencyLevel)
class ProficiencyLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "framework"]
    list_filter = ["framework"]


@admin.register(QAScope)
class QAScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "platform"]
    list_filter = ["platform"]
    autocomplete_fields = ["user"]


@admin.register(Rubric)
class RubricAdmin(_ReadOnly):
    list_display = ["title", "course", "created_by", "created_at"]
    search_fields = ["title", "course__title"]


@admin.register(RubricVersion)
class RubricVersionAdmin(_ReadOnly):
    list_display = ["rubric", "number", "state", "author_name", "reviewed_by_name", "created_at"]
    list_filter = ["state"]
