"""Admin for awarding records. Decisions are read-only: they are append-only evidence."""

from django.contrib import admin

from .models import (
    Achievement,
    Award,
    AwardingRule,
    Decision,
    InstitutionSetting,
    Notification,
    StatusChange,
)


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ("name", "achievement_type", "platform", "course", "created_at")
    list_filter = ("achievement_type", "platform")
    search_fields = ("name", "description")
    readonly_fields = ("uuid", "created_at", "updated_at")


@admin.register(AwardingRule)
class AwardingRuleAdmin(admin.ModelAdmin):
    list_display = ("achievement", "course", "mode", "active", "created_at")
    list_filter = ("mode", "active")
    raw_id_fields = ("course", "achievement")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("decided_at", "course", "achievement", "learner", "outcome", "trigger")
    list_filter = ("outcome", "trigger")
    date_hierarchy = "decided_at"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("uuid", "achievement", "learner", "state", "postback_state", "issued_at")
    list_filter = ("state", "postback_state")
    search_fields = ("uuid", "learner__name", "learner__sub")
    readonly_fields = ("uuid", "created_at", "updated_at", "issued_at")
    raw_id_fields = ("rule", "course", "achievement", "learner", "decision", "flag_decision")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Revocation is a decision of a person with a reason, never a deleted row.
        return False

    # An award's state moves only through the services that audit it (issuance, flags,
    # revocation, status changes), which the QA console offers to those whose QA scopes
    # cover it: a superuser reads awards here but acts on them as QA or not at all (ADR 0075).
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InstitutionSetting)
class InstitutionSettingAdmin(admin.ModelAdmin):
    list_display = (
        "platform",
        "show_learner_names",
        "show_grader_comments",
        "status_change_confirmers",
    )


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """Read only: a request is decided through its services (four eyes, audit), never here."""

    list_display = ("requested_at", "action", "state", "award", "requested_by", "decided_by")
    list_filter = ("action", "state")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "learner", "kind", "read_at")
    list_filter = ("kind",)
