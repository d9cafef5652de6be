"""Moodle 4.x: exact media types, `?type_id=` URLs, HTML-escaped `Link` headers, short NRPS roles.

Observed on Moodle 4.5 (see the project's captures): `Accept: application/json` gets 400, so
only the exact IMS media types are sent; `Link` URLs arrive with `&amp;` and typographic
quotes around `rel`; two scores in one second get 409; results are read without `limit`.
"""

from __future__ import annotations

from .base import LIS, PlatformAdapter, unescape_entities

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


class MoodleAdapter(PlatformAdapter):
    flavour = "moodle"

    def clean_link_url(self, url: str) -> str:
        # Moodle writes the Link header through its HTML escaper.
        return unescape_entities(url.strip())

    def results_listing_url(self, results_url: str) -> str:
        # Results are read WITHOUT `limit`: Moodle then sends every result in one response.
        # With `limit` and a `type_id` (always, for an LTI 1.3 tool), Moodle 4.5's
        # mod/lti/service/gradebookservices/classes/local/resources/results.php
        # (get_json_for_get_request) never sets $lastpage, calls $lastpage->out() for the
        # Link header and answers a PHP error as an HTML 404 once the column has a grade.
        # Line items (lineitems.php sets $lastpage in both branches) and NRPS
        # (memberships/classes/local/service/memberships.php builds its own next link)
        # page correctly and keep `limit`.
        return results_url

    def score_conflict_wait(self, status: int) -> float | None:
        # Moodle needs each score's timestamp strictly newer, to the second.
        return 1.1 if status == 409 else None

    def normalize_role(self, role: str) -> str:
        return _SHORT_ROLES.get(role, role)
