"""Signed Open Badges 3.0 credentials: issuers, keys, proofs, verification, status lists, pages.

Public API (keyword-only services; pure cores have no ORM and no HTTP):

- documents: AchievementInput, AlignmentInput, CriterionInput, CriterionLevelInput,
  SubjectInput, CriterionResultInput, EvidenceInput (plain frozen dataclasses)
- credential_json.compose_credential(CredentialInput) -> dict; credential_json.achievement_json(...)
- document_checks.check_document / find_problems: the pre-sign check
- signing.sign_credential(document, *, private_key, verification_method, created) -> dict (pure)
- verification_checks.verify(document, *, resolve_did, now, ...) -> VerificationResult (pure)
- issuers.get_or_create_issuer(*, slug, name, url, email="", description="") -> Issuer
- credential_issuance.issue_credential(*, issuer, credential_id, achievement, subject, results,
  evidence, valid_from, valid_until=None) -> Credential
- revocation.revoke_credential / suspend_credential(*, credential, reason, actor,
  category=StatusCategory.OTHER, platform_id=None) / reinstate_credential(*, credential,
  reason, actor, platform_id=None): `reason` private, `category` public
- local_verification.verify_credential(document) / verify_credential_jwt(token)
  -> VerificationResult (the pure checks fed from this tool's own records)
- signing_keys.current_signing_key / rotate_signing_key / mark_compromised
"""
