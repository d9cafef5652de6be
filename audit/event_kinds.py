"""Every kind of audit event the tool records, each with the sentence people read for it.

`record_event` refuses a kind that is not listed here, so a new event cannot reach the log
without a plain-language sentence for the QA console and the audit export. The sentence is
what the person (or process) did, to be shown after their name: "Ana García (instructor,
Moodle at example.edu) — submitted a rubric version for review".
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENT_SENTENCES: dict[str, Promise] = {
    # Credentials of learners (awarding decides, credentials signs and revokes).
    "award.issued": _("issued a credential"),
    "award.granted": _("granted a credential by review or through a pathway"),
    "award.flagged": _(
        "flagged a credential for review: a grade changed and the rubric is no longer met"
    ),
    "award.stack_flagged": _(
        "flagged a stacked credential for review: a credential it stacks was revoked"
    ),
    "award.flag_cleared": _("kept a flagged credential"),
    "award.revoked": _("revoked a credential"),
    "award.confirmed": _("confirmed a credential"),
    "status_change.requested": _("asked to revoke, suspend or reinstate a credential"),
    "status_change.confirmed": _("confirmed a request to revoke, suspend or reinstate"),
    "status_change.declined": _("declined a request to revoke, suspend or reinstate"),
    "status_change.withdrawn": _("withdrew their request to revoke, suspend or reinstate"),
    "award_proposal.requested": _(
        "proposed a learner for a credential by review (manual award or prior learning)"
    ),
    "award_proposal.approved": _("approved a proposed award by review"),
    "award_proposal.declined": _("declined a proposed award by review"),
    "award_proposal.withdrawn": _("withdrew their proposal of an award by review"),
    "bulk.uploaded": _("uploaded a CSV of awards or revocations for a preview"),
    "bulk.applied_award": _("awarded credentials in bulk from a previewed CSV"),
    "bulk.applied_revoke": _("revoked credentials in bulk from a previewed CSV"),
    "credential.revoked": _("revoked a signed credential on its status list"),
    "credential.suspended": _("suspended a signed credential"),
    "credential.reinstated": _("reinstated a suspended credential"),
    "credential.visibility": _("changed who can see a credential's public page"),
    "learner_record.issued": _("created a learner's record of all their credentials (CLR)"),
    "learner_record.sharing": _("changed who can see a learner's record"),
    # Endorsements of achievements and issuer profiles (ADR 0066).
    "endorser.registered": _("registered an outside organisation that may endorse credentials"),
    "endorser.deregistered": _("stopped trusting an outside organisation's endorsement keys"),
    "endorsement.created": _("endorsed a credential on behalf of the institution"),
    "endorsement.accepted": _("accepted an outside organisation's signed endorsement"),
    "endorsement.withdrawn": _("withdrew an endorsement"),
    # What instructors set up.
    "awarding.achievement.created": _("described a new credential"),
    "awarding.achievement.edited": _("changed a credential's description"),
    "awarding.rule.created": _("created an awarding rule"),
    "awarding.rule.mode": _("changed how a rule awards (automatically or after review)"),
    "awarding.rule.gradebook_column": _("changed the gradebook column of a rule"),
    "awarding.notifications.read": _("read their notifications"),
    # Rubrics and their review.
    "rubric.created": _("created a rubric"),
    "version.created": _("started a new rubric version"),
    "version.edited": _("edited a draft rubric version"),
    "version.line_items_created": _("created the rubric's gradebook columns in the LMS"),
    "version.submitted": _("submitted a rubric version for review"),
    "version.approved": _("approved a rubric version"),
    "version.rejected": _("rejected a rubric version"),
    "version.activated": _("put a rubric version into use"),
    "version.retired": _("retired a rubric version"),
    "framework.imported": _("imported a competence framework"),
    # Who may review.
    "qa_scope.granted": _("gave a person quality-assurance rights on an institution"),
    "qa_scope.changed": _("changed a person's quality-assurance rights"),
    "qa_scope.revoked": _("withdrew a person's quality-assurance rights"),
    "qa_console.handoff": _("opened the QA console from the LMS"),
    # Platforms and keys (the operator).
    "platform.registered": _("registered an LMS with Credbridge"),
    "platform.approved": _("approved an LMS registration"),
    "platform.updated": _("changed an LMS registration"),
    "key_encryption.rotated": _("re-encrypted the stored LMS keys with a new key"),
    "signing_key.rotated": _("replaced the issuer's signing key"),
    "signing_key.compromised": _("marked a signing key as compromised"),
    # Digital wallets (OpenID for Verifiable Credential Issuance).
    "wallet.offer_created": _("offered a credential to a digital wallet"),
    "wallet.token_issued": _("let a digital wallet redeem a credential offer"),
    "wallet.tx_code_refused": _("refused a wrong transaction code from a digital wallet"),
    "wallet.credential_issued": _("issued a credential into a digital wallet"),
    # Apps a learner connects through the Open Badges API (ob_api).
    "ob_api.client_registered": _("registered an app for the Open Badges API"),
    "ob_api.consent_sign_in": _("signed in to connect an app to their credentials"),
    "ob_api.consent_given": _("let an app read their credentials"),
    "ob_api.consent_refused": _("refused an app access to their credentials"),
    "ob_api.token_issued": _("gave a connected app an access token"),
    "ob_api.app_disconnected": _("disconnected an app from their credentials"),
    "ob_api.credentials_read": _("read a learner's credentials through the Open Badges API"),
    "ob_api.profile_read": _("read a learner's profile through the Open Badges API"),
    # Pathways: stacked credentials (QA writes and approves them) and linked accounts.
    "pathway.created": _("started a new pathway"),
    "pathway.edited": _("changed a draft pathway"),
    "pathway.submitted": _("submitted a pathway for approval"),
    "pathway.approved": _("approved a pathway"),
    "pathway.returned": _("sent a pathway back to draft"),
    "pathway.activated": _("put a pathway into use"),
    "pathway.retired": _("retired a pathway"),
    "account_link.requested": _("asked to link two accounts of one person"),
    "account_link.approved": _("approved a link between two accounts of one person"),
    "account_link.removed": _("removed a link between two accounts"),
}

EVENT_KINDS: frozenset[str] = frozenset(EVENT_SENTENCES)


class UnknownEventKind(ValueError):
    """An audit event of a kind not listed in EVENT_SENTENCES."""
