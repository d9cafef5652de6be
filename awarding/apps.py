import importlib
import logging

from django.apps import AppConfig

from credentials.export_kinds import register_export_kind
from credentials.issuer_pages import register_achievement_lister, register_endorsement_lister
from lti_tool.launch_hooks import register_landings, register_placement_catalog

log = logging.getLogger(__name__)


class AwardingConfig(AppConfig):
    name = "awarding"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # receivers reaches the models (rules, dispatch), and credentials' verifier its own:
        # importable only once apps are loaded.
        from credentials.local_verification import register_endorser_resolver  # noqa: PLC0415

        from . import (  # noqa: PLC0415
            credential_kinds,
            endorsement_listing,
            endorser_registry,
            issuer_listing,
            placements,
            receivers,
        )

        # A launch lands on our pages; lti_tool only knows their URL names through this.
        register_landings(
            instructor="awarding:instructor_dashboard", learner="awarding:learner_home"
        )
        # An issuer's public page lists its achievements; credentials only knows it this way.
        register_achievement_lister(issuer_listing.public_achievements)
        # Endorsements (ADR 0066): the issuer profile shows its own, and the verifier knows
        # the keys of the outside organisations registered here.
        register_endorsement_lister(endorsement_listing.profile_endorsements)
        register_endorser_resolver(endorser_registry.registered_did_document)
        # A Deep Linking placement shows one of our achievements, chosen in lti_tool's picker.
        register_placement_catalog(placements.AchievementCatalog())
        # `export_credentials` writes each kind of credential we issue in its own folder.
        for kind in credential_kinds.KINDS:
            register_export_kind(kind)

        connections = (
            ("assessments.signals", "learners_changed", receivers.on_learners_changed),
            ("rubrics.signals", "version_activated", receivers.on_version_activated),
        )
        for module, name, receiver in connections:
            try:
                signal = getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError):
                # The sending app is not installed (or not written yet): nothing to listen to.
                log.warning("awarding: %s.%s not available; not connected", module, name)
                continue
            signal.connect(receiver, dispatch_uid=f"awarding:{module}.{name}")
