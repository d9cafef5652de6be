from django.apps import AppConfig

from awarding.learner_sections import register_learner_section
from awarding.signals import award_revoked, awards_issued


class PathwaysConfig(AppConfig):
    """Pathways (/qa/pathways/): stacked credentials earned by holding others (ADR 0065).

    A top layer above the QA console (ADR 0005): it may import every app below it, and none
    imports it; it hears of issued and revoked awards through awarding's signals.
    """

    name = "pathways"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Both reach the models: importable only once apps are loaded.
        from . import learner_section, receivers  # noqa: PLC0415

        # The learner's page (awarding) shows their progress; awarding only knows it this way.
        register_learner_section(
            "pathways", learner_section.render_learner_section, reads=learner_section.section_reads
        )
        awards_issued.connect(receivers.on_awards_issued, dispatch_uid="pathways:issued")
        award_revoked.connect(receivers.on_award_revoked, dispatch_uid="pathways:revoked")
