"""The pages of the sweep (`test_every_page.py`): (page, how to get there) for the sweep's
world (`sweep_world.py`), one list for the public and LMS pages (one browser context, launch
tokens in the URLs) and one for the QA console (a signed-in context). Each `go` leaves the
page on the browser. The names are those `sweep_routes.PAGES` maps routes to.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.ob_api.backpack import CREDENTIALS, pkce_pair

from .sweep_world import SweepWorld
from .world import deep_link_launch

Visit = tuple[str, Callable[[Any], Any]]


def sweep_visits(sw: SweepWorld, base: str) -> tuple[list[Visit], list[Visit], str]:
    """The public pages, the QA console's pages and the deep linking launch's token."""
    w = sw.w
    public, qa, deep_link = _visits(sw, base)
    teach = w.launch(w.instructor, "instructor").token
    public += [
        ("suspend request", _goto(base, f"/course/awards/{sw.issued.uuid}/suspend?lt={teach}")),
        (
            "reinstate request",
            _goto(base, f"/course/awards/{sw.suspended.uuid}/reinstate?lt={teach}"),
        ),
        ("status change", _goto(base, f"/course/status-changes/{sw.change.uuid}?lt={teach}")),
    ]
    public += _record_visits(sw, base)
    qa += [
        ("QA status changes", _goto(base, "/qa/awards/status-changes")),
        ("QA status change", _goto(base, f"/qa/awards/status-changes/{sw.change.uuid}")),
    ]
    public += [
        ("award by review", _goto(base, f"/course/proposals/?lt={teach}")),
        ("proposal", _goto(base, f"/course/proposals/{sw.proposal.uuid}?lt={teach}")),
        ("bulk CSV (instructor)", _goto(base, f"/course/bulk/?lt={teach}")),
        ("bulk preview (instructor)", _goto(base, f"/course/bulk/{sw.upload.uuid}?lt={teach}")),
    ]
    qa += [
        ("QA proposals", _goto(base, "/qa/proposals/")),
        ("QA proposal", _goto(base, f"/qa/proposals/{sw.proposal.uuid}")),
        ("QA bulk upload", _goto(base, "/qa/bulk/")),
        ("QA bulk preview", _goto(base, f"/qa/bulk/{sw.upload.uuid}")),
    ]
    qa += [
        ("QA pathways", _goto(base, "/qa/pathways/")),
        ("QA pathway", _goto(base, f"/qa/pathways/{sw.pathway_draft.uuid}/")),
        ("QA pathway (in use)", _goto(base, f"/qa/pathways/{sw.pathway_in_use.uuid}/")),
    ]
    return public, qa, deep_link


def _goto(base: str, path: str) -> Callable[[Any], Any]:
    return lambda page: page.goto(f"{base}{path}")


def _visits(sw: SweepWorld, base: str) -> tuple[list[Visit], list[Visit], str]:
    w, issued, revoked, draft, backpack = sw.w, sw.issued, sw.revoked, sw.draft, sw.backpack
    ana = w.learners[0]
    teach = w.launch(w.instructor, "instructor").token
    learn = w.launch(ana).token
    deep_link = deep_link_launch(w, base)
    decision = w.decisions[ana.pk]
    issuer_url = issued.credential.data["issuer"]["url"]
    _, challenge = pkce_pair()
    consent_url = backpack.authorize_url(scope=CREDENTIALS, state="sweep", challenge=challenge)

    def goto(path):
        return _goto(base, path)

    def verify_result(page):
        page.goto(f"{base}/credentials/verify")
        page.locator("#credential").fill(json.dumps(issued.credential.data))
        page.locator("form[enctype] button[type=submit]").click()
        page.locator("#result-title").wait_for()

    def wallet_offer(page):
        page.goto(f"{base}/learner/?lt={learn}")
        page.locator("form[action*=wallet-offer] button").first.click()
        page.locator("a[href^='openid-credential-offer:']").wait_for()

    def signed_in_for_apps(page):
        page.goto(f"{base}/learner/connected-apps?lt={learn}")
        # The form opens a window of its own; here the same tab shows what that window shows.
        page.locator("form[target=_blank]").evaluate("f => f.removeAttribute('target')")
        page.locator("form[action$='/connected-apps/sign-in'] button").click()
        page.wait_for_url("**/connected-apps/sign-in")

    def consent(page):
        signed_in_for_apps(page)
        page.goto(consent_url)
        page.locator("#authorizationForm").wait_for()

    public = [
        ("landing", goto("/")),
        ("issuer", lambda page: page.goto(issuer_url)),
        ("credential", goto(f"/credentials/{issued.uuid}")),
        ("credential (revoked)", goto(f"/credentials/{revoked.uuid}")),
        ("verify", goto("/credentials/verify")),
        ("verify (result)", verify_result),
        ("evidence", goto(f"/evidence/{issued.uuid}")),
        ("achievement", goto(f"/achievements/{w.achievement.uuid}")),
        ("endorsement", goto(f"/endorsements/{w.endorsement.uuid}")),
        ("registration", goto("/lti/register/")),
        ("API privacy", goto("/ims/ob/v3p0/privacy")),
        ("launch refused", goto("/lti/login/")),
        ("launch expired", goto("/course/?lt=expired-or-made-up")),
        ("not found", goto("/no-such-page")),
        ("dashboard", goto(f"/course/?lt={teach}")),
        ("setup", goto(f"/course/setup/?lt={teach}")),
        ("setup achievement", goto(f"/course/setup/achievement?lt={teach}")),
        ("rubrics", goto(f"/rubrics/?lt={teach}")),
        ("rubric (active)", goto(f"/rubrics/versions/{w.version.pk}/?lt={teach}")),
        ("rubric editor", goto(f"/rubrics/versions/{draft.pk}/?lt={teach}")),
        ("revoke request", goto(f"/course/awards/{issued.uuid}/revoke?lt={teach}")),
        ("deep-linking picker", goto(f"/lti/deep-link/?lt={deep_link}")),
        ("learner", goto(f"/learner/?lt={learn}")),
        ("holder page", goto(f"/learner/credentials/{issued.uuid}/view?lt={learn}")),
        ("connected apps", goto(f"/learner/connected-apps?lt={learn}")),
        ("connected apps sign-in", signed_in_for_apps),
        ("API consent", consent),
        ("wallet offer", wallet_offer),
    ]
    qa = [
        ("QA reviews", goto("/qa/")),
        ("QA review", goto(f"/qa/versions/{w.version.pk}/")),
        ("decisions", goto("/qa/awards/")),
        ("decision", goto(f"/qa/awards/decisions/{decision.pk}")),
        ("flagged", goto("/qa/awards/flagged")),
        ("revocations", goto("/qa/awards/revocations")),
        ("reports", goto("/qa/awards/reports")),
        ("audit log", goto("/qa/audit/")),
        ("QA endorsements", goto("/qa/endorsements/")),
    ]
    return public, qa, deep_link


def _record_visits(sw: SweepWorld, base: str) -> list[Visit]:
    """Ana's learner record, shared: her page, the share link, the verifier's answer."""
    w, version = sw.w, sw.record

    def verify_record(page):
        page.goto(f"{base}/credentials/verify")
        page.locator("#credential").fill(version.credential.document)
        page.locator("form[enctype] button[type=submit]").click()
        page.locator("#embedded-title").wait_for()

    return [
        ("learner record", _goto(base, f"/learner/record/?lt={w.launch(w.learners[0]).token}")),
        ("shared record", _goto(base, f"/records/{version.record.share_token}")),
        ("verify (record result)", verify_record),
    ]
