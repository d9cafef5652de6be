"""Moodle 4.x: exact media types, `?type_id=` URLs, HTML-escaped `Link` headers, short NRPS
roles, results read whole, one score per second, and its "Update" registration token.

Observed on a real Moodle 4.5.6 (the project's Moodle captures, README items 1-21) and read
in Moodle's PHP source (paths below are in moodle/moodle, MOODLE_405_STABLE). Everything
else Moodle does as the specification says, so the base class answers for it.
"""

from __future__ import annotations

import html

import jwt

from .base import LIS, PlatformAdapter

# Moodle's NRPS writes context roles by their short names (captures item 12;
# mod/lti/service/memberships/classes/local/service/memberships.php), while its id_tokens
# carry the full URIs.
_SHORT_ROLES = {
    "Learner": LIS + "membership#Learner",
    "Instructor": LIS + "membership#Instructor",
    "ContentDeveloper": LIS + "membership#ContentDeveloper",
    "Mentor": LIS + "membership#Mentor",
    "Manager": LIS + "membership#Manager",
    "Member": LIS + "membership#Member",
    "Administrator": LIS + "membership#Administrator",
    "TeachingAssistant": LIS + "membership/Instructor#TeachingAssistant",
}
UPDATE_SCOPE = "reg-update"
UPDATE_REFUSAL = (
    "Your LMS asked to update one of its existing tools. Credbridge never changes an "
    "existing registration, so nothing was sent to your LMS and its tool is unchanged. "
    'Close this dialog and choose "Register as a new external tool" instead, or ask '
    "the Credbridge operator to change the existing registration."
)


class MoodleAdapter(PlatformAdapter):
    flavour = "moodle"

    @classmethod
    def registration_token_refusal(cls, registration_token: str) -> str:
        # Moodle's "Add LTI Advantage" offers "Update" for a tool already on the same domain
        # and then issues a registration token with scope `reg-update`
        # (mod/lti/startltiadvregistration.php; registration_helper::REG_TOKEN_OP_UPDATE_REG).
        # As soon as a registration arrives under such a token Moodle overwrites its own tool
        # (mod/lti/openid-registration.php -> lti_update_type), losing settings such as "Show
        # in activity chooser", before Credbridge could refuse the update on its side (a
        # registration never changes an existing one, ADR 0004). Seen on the real Moodle rig
        # (docs/real-moodle.md, the Update step). The token is read without verifying its
        # signature: only to refuse, never to trust anything it says. Asked before the
        # configuration is read, so it applies to whatever platform sent such a token;
        # Canvas's tokens carry no `scope` claim.
        try:
            claims = jwt.decode(registration_token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return ""  # not a JWT (Canvas's tokens are opaque to us): nothing says "update"
        if isinstance(claims, dict) and claims.get("scope") == UPDATE_SCOPE:
            return UPDATE_REFUSAL
        return ""

    def clean_link_url(self, url: str) -> str:
        # Moodle writes the Link header through its HTML escaper (`&amp;` between query
        # parameters, typographic quotes around rel): captures services_log_lineitems.json.
        return html.unescape(url.strip())

    def results_listing_url(self, results_url: str) -> str:
        # Results are read WITHOUT `limit`: Moodle then sends every result in one response.
        # With `limit` and a `type_id` (always, for an LTI 1.3 tool), Moodle 4.5's
        # mod/lti/service/gradebookservices/classes/local/resources/results.php
        # (get_json_for_get_request) never sets $lastpage, calls $lastpage->out() for the
        # Link header and answers a PHP error as an HTML 404 once the column has a grade
        # (captures item 16). Line items (lineitems.php sets $lastpage in both branches)
        # and NRPS (memberships/classes/local/service/memberships.php builds its own next
        # link) page correctly and keep `limit`.
        return results_url

    def score_conflict_wait(self, status: int) -> float | None:
        # Moodle needs each score's timestamp strictly newer, to the second, than the stored
        # grade: two posts in one second get 409 (captures item 7, services_log_score.json;
        # mod/lti/service/gradebookservices/classes/local/resources/scores.php).
        return 1.1 if status == 409 else None

    def normalize_role(self, role: str) -> str:
        return _SHORT_ROLES.get(role, role)
