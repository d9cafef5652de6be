"""The baseline bench/award.py divides by: this run's credentials composed, signed and
verified in-process, one after another, with no worker, task or database write between.
Called once Django is set up (its imports are inside for that reason)."""

from __future__ import annotations

import time

from django.utils import timezone


def in_process_issue_times(*, rule, sample: int = 200) -> list[float]:
    """Seconds to compose + sign + verify each of `sample` of this run's credentials,
    in-process, one after another.

    The same inputs and the same calls as the workers' issuance, without the Celery task,
    the award lock, the notification, the audit entry and the other rows: the figure the
    end-to-end time per credential per worker is divided by (`overhead_vs_issue`). As in an
    issuing batch (`credentials.signed_storage.SigningBatch`), the self-check reads the DID
    document, the key and the status list once for all (`KnownRecords`), and each
    credential's own status entry counts as drawn in the batch: verifying as an outside
    verifier would (every record read and decoded again) costs 5-7 ms a credential, which
    the workers never pay (ADR 0090).
    """
    import secrets
    from dataclasses import replace

    from awarding import credential_inputs
    from awarding.award_issuance import base_url, institution_setting, issuer_for
    from awarding.models import Award
    from awarding.rules import version_spec
    from credentials.credential_json import compose_credential
    from credentials.documents import CredentialInput, StatusEntryInput
    from credentials.issuers import issuer_input
    from credentials.local_verification import KnownRecords, verify_credential
    from credentials.signing import format_datetime, sign_credential
    from credentials.signing_keys import current_signing_key

    awards = list(
        Award.objects.filter(rule=rule, credential__isnull=False).select_related(
            "achievement",
            "learner",
            "course__platform",
            "decision__rubric_version",
            "credential__status_list",
        )[:sample]
    )
    platform = awards[0].course.platform
    setting = institution_setting(platform=platform)
    issuer = issuer_for(platform=platform, setting=setting)
    key = current_signing_key(issuer=issuer)
    private_key, method = key.private_key(), key.verification_method()
    url = base_url()
    now = timezone.now().replace(microsecond=0)
    inputs = []
    for award in awards:
        spec = version_spec(award.decision.rubric_version)
        inputs.append(
            CredentialInput(
                credential_id=f"urn:uuid:{award.uuid}",
                issuer=issuer_input(issuer),
                achievement=credential_inputs.build_achievement(
                    base_url=url, achievement=award.achievement, spec=spec
                ),
                subject=replace(
                    credential_inputs.build_subject(
                        learner=award.learner, show_name=setting.show_learner_names
                    ),
                    salt=secrets.token_hex(16),  # as issue_credential does
                ),
                valid_from=format_datetime(now),
                results=tuple(
                    credential_inputs.build_results(spec=spec, decision=award.decision.result)
                ),
                evidence=tuple(
                    credential_inputs.build_evidence(
                        base_url=url, award_uuid=award.uuid, achievement_name=award.achievement.name
                    )
                ),
                status=StatusEntryInput(
                    award.credential.status_list.url, award.credential.status_index
                ),
            )
        )
    known = KnownRecords()
    known.fresh.update(
        (award.credential.status_list_id, award.credential.status_index) for award in awards
    )
    times = []
    for data in inputs:
        t = time.perf_counter()
        signed = sign_credential(
            compose_credential(data),
            private_key=private_key,
            verification_method=method,
            created=now,
        )
        result = verify_credential(signed, now=now, known=known)
        times.append(time.perf_counter() - t)
        assert result.ok, result.errors
    return times
