from django.apps import AppConfig


class LearnerRecordsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learner_records"
    verbose_name = "Learner records (CLR 2.0)"

    def ready(self) -> None:
        # Models are loaded only now: `export_credentials` learns about records here.
        from credentials.export_kinds import ExportKind, register_export_kind  # noqa: PLC0415

        from .records import record_credential_ids  # noqa: PLC0415

        register_export_kind(
            ExportKind(
                name="learner-records",
                description="learners' records (CLR 2.0 ClrCredential), every version",
                credential_ids=record_credential_ids,
            )
        )
