"""Every page a person reaches, in Chromium on a phone (390 px) and a desktop (1280 px): the
stylesheet applied, nothing scrolls sideways (wide tables scroll in their own box), axe-core
finds nothing serious or critical, and the keyboard reaches every control in document order
with a visible focus and no positive tabindex.

Each width, and the German phone pass, is a test of its own that builds the data and collects
every problem, so one run lists all of them.
`test_every_url_pattern_is_swept_or_named_not_a_page` keeps the list whole: a new GET page in
config/urls.py fails it until it is swept here or named as not a page (JSON, images, POST-only
actions).
"""

from __future__ import annotations

import json
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache

from assessments.models import Enrolment, Learner
from awarding.award_issuance import issuer_for
from awarding.award_proposals import propose_award
from awarding.bulk_awards import store_upload
from awarding.endorsements import accept_external_endorsement, endorse_as_qa
from awarding.models import Award, Endorser
from awarding.revoke import revoke_award
from awarding.status_changes import request_status_change
from credentials.documents import IssuerInput
from credentials.endorsement_json import EndorsementInput, compose_endorsement
from credentials.models import Credential, StatusCategory
from credentials.multikey import public_key_multibase
from credentials.proofs import sign_document
from learner_records.records import create_record, set_sharing
from lti_tool.launch_context import start_launch_session
from pathways import definition
from rubrics.actors import Actor
from rubrics.workflow import new_draft
from tests.ob_api.backpack import CREDENTIALS, Backpack, pkce_pair
from tests.pathways.builders import active_pathway, competence, level
from tests.pathways.builders import qa as qa_actor
from tests.qa_console.browser_helpers import qa_user, sign_in

from . import screenshots
from .sweep_checks import OVERFLOW, STYLED, axe_serious, keyboard_problems, url_patterns
from .test_browser import open_in_lms
from .world import issue, make_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDTHS = (390, 1280)

# Route name -> the page of the sweep that shows it (visited below).
PAGES = {
    "landing": "landing",
    "credentials:issuer": "issuer",
    "credentials:page": "credential",
    "credentials:verify": "verify",
    "awarding:evidence": "evidence",
    "awarding:achievement": "achievement",
    "lti_tool:login": "launch refused",
    "lti_tool:register": "registration",
    "lti_tool:deep_link": "deep-linking picker",
    "ob_api:privacy": "API privacy",
    "ob_api:authorize": "API consent",
    "ob_api:connected_apps": "connected apps",
    "ob_api:sign_in": "connected apps sign-in",
    "wallet_issuance:add_to_wallet": "wallet offer",
    "awarding:instructor_dashboard": "dashboard",
    "awarding:setup": "setup",
    "awarding:setup_achievement": "setup achievement",
    "rubrics:course_rubrics": "rubrics",
    "rubrics:version": "rubric editor",
    "awarding:revoke_award": "revoke request",
    "awarding:suspend_award": "suspend request",
    "awarding:reinstate_award": "reinstate request",
    "awarding:status_change": "status change",
    "qa:status_changes": "QA status changes",
    "qa:status_change": "QA status change",
    "awarding:proposals": "award by review",
    "awarding:proposal": "proposal",
    "qa:proposals": "QA proposals",
    "qa:proposal": "QA proposal",
    "qa:bulk": "QA bulk upload",
    "awarding:bulk_prepare": "bulk CSV (instructor)",
    "awarding:bulk_prepared": "bulk preview (instructor)",
    "qa:bulk_preview": "QA bulk preview",
    "awarding:learner_home": "learner",
    "awarding:holder_page": "holder page",
    "learner_records:record": "learner record",
    "learner_records:shared": "shared record",
    "qa:login": "QA sign-in",
    "qa:home": "QA reviews",
    "qa:review": "QA review",
    "qa:decisions": "decisions",
    "qa:decision": "decision",
    "qa:flagged": "flagged",
    "qa:revocations": "revocations",
    "qa:reports": "reports",
    "qa:audit_log": "audit log",
    "awarding:endorsement": "endorsement",
    "qa:endorsements": "QA endorsements",
    "pathways:list": "QA pathways",
    "pathways:detail": "QA pathway",
}

# Route name -> why it is no page of its own.
NOT_PAGES = {
    "healthz": "JSON for load balancers",
    "metrics": "Prometheus text for operators",
    "media_image": "an image",
    "lti_tool:jwks": "JSON",
    "lti_tool:launch": "POST from the LMS; its refusals are the page 'launch refused'",
    "lti_tool:frame_return": "an auto-submitting relay of the login",
    "lti_tool:canvas_json": "JSON",
    "credentials:json": "JSON",
    "credentials:jwt": "a JWT",
    "credentials:vc_jwt": "a JWT",
    "credentials:svg": "an image",
    "credentials:png": "an image",
    "credentials:qr": "an image",
    "credentials:issuer_did": "JSON",
    "credentials:host_did": "JSON",
    "credentials:status_list": "a status list credential",
    "credentials:suspension_list": "a status list credential",
    "awarding:decide_status_change": "POST action",
    "qa:decide_status_change": "POST action",
    "awarding:withdraw_proposal": "POST action",
    "awarding:proposal_evidence": "a file",
    "qa:proposal_evidence": "a file",
    "qa:decide_proposal": "POST action",
    "qa:bulk_apply": "POST action",
    "qa:bulk_preview_csv": "CSV",
    "rubrics:create_line_items": "POST action",
    "rubrics:preview": "POST, a fragment of the editor",
    "rubrics:new_version": "POST action",
    "assessments:sync_now": "POST action",
    "assessments:sync_status": "a fragment of the dashboard",
    "awarding:export_decisions": "CSV",
    "awarding:confirm_award": "POST action",
    "awarding:rule_mode": "POST action",
    "awarding:setup_submit": "POST action",
    "awarding:setup_gradebook": "POST action",
    "awarding:dismiss_notifications": "POST action",
    "awarding:set_visibility": "POST action",
    "awarding:holder_download": "a file",
    "qa:logout": "POST action",
    "qa:handoff_start": "POST action",
    "qa:handoff_redeem": "POST action",
    "qa:decisions_csv": "CSV",
    "qa:revoke": "POST action",
    "qa:reports_csv": "CSV",
    "qa:audit_csv": "CSV",
    "wallet_issuance:issuer_metadata": "JSON",
    "wallet_issuance:oauth_metadata": "JSON",
    "wallet_issuance:token": "OID4VCI POST",
    "wallet_issuance:nonce": "OID4VCI POST",
    "wallet_issuance:credential": "OID4VCI POST",
    "ob_api:discovery": "JSON",
    "ob_api:register": "JSON POST",
    "ob_api:token": "OAuth POST",
    "ob_api:credentials": "JSON",
    "ob_api:profile": "JSON",
    "ob_api:disconnect": "POST action",
    "learner_records:create": "POST action",
    "learner_records:sharing": "POST action",
    "learner_records:download": "a file",
    "learner_records:shared_download": "a file",
    "awarding:endorsement_json": "JSON",
    "qa:endorse": "POST action",
    "qa:submit_endorsement": "POST action",
    "qa:withdraw_endorsement": "POST action",
    "qa:register_endorser": "POST action",
    "qa:deregister_endorser": "POST action",
}
# The sandbox LMS (LMS_SANDBOX only) stands in for Moodle and Canvas, and the demo's outside
# organisation serves its DID document (JSON): none of it is the tool's.
NOT_PAGE_PREFIXES = ("lms_sandbox:", "demo:")


def test_every_url_pattern_is_swept_or_named_not_a_page():
    names = set(url_patterns())
    unknown = {
        name
        for name in names - set(PAGES) - set(NOT_PAGES)
        if not name.startswith(NOT_PAGE_PREFIXES)
    }
    assert unknown == set(), f"sweep these pages in {__name__} or add them to NOT_PAGES"
    assert set(PAGES) & set(NOT_PAGES) == set()
    assert (set(PAGES) | set(NOT_PAGES)) - names == set(), "stale names in the sweep's lists"


def _world(base_url: str):
    w = make_world(
        learner_names=(
            "Ana García-Fernández de la Concepción",
            "Grace Hopper",
            "Alan Turing",
            "Linus Lindqvist",
            "Katherine Johnson",
        )
    )
    ana, grace, alan, linus, katherine = w.learners
    # Endorsed before anything is issued: the credentials carry it (ADR 0066).
    w.endorsement = endorse_as_qa(
        achievement=w.achievement,
        comment="Reviewed by the quality-assurance office against DigComp 2.2 level 4.",
        actor="user:qa",
    )
    _endorse_the_issuer(w)
    issued = issue(w, ana)
    flagged = issue(w, grace)
    Award.objects.filter(pk=flagged.pk).update(
        state=Award.State.FLAGGED, flag_decision=w.decide(grace, {"search": 2, "evaluate": 7})
    )
    revoked = issue(w, alan)
    head = Learner.objects.create(platform=w.platform, sub="head-1", name="Hedda Head")
    Enrolment.objects.create(course=w.course, learner=head, roles=["instructor"])
    revoke_award(award=revoked, reason="Grade corrected after an appeal", actor="lti:1:head-1")
    suspended = issue(w, linus)
    Credential.objects.filter(pk=suspended.credential.pk).update(status=Credential.Status.SUSPENDED)
    change = request_status_change(
        award=issue(w, katherine),
        action="revoke",
        private_reason="The grade was entered for the wrong person.",
        public_category=StatusCategory.ISSUED_IN_ERROR,
        actor=f"lti:{w.platform.pk}:{w.instructor.sub}",
        actor_name=w.instructor.name,
    )
    teacher = Actor(
        id=f"lti:{w.platform.pk}:{w.instructor.sub}",
        name=w.instructor.name,
        course_id=w.course.pk,
        platform_id=w.platform.pk,
    )
    draft = new_draft(rubric=w.rubric, actor=teacher)
    backpack = Backpack(base_url)
    assert backpack.register().status_code == 201
    return w, issued, revoked, draft, backpack, suspended, change


def _endorse_the_issuer(w) -> None:
    """An outside organisation's endorsement of the issuer's profile (its page shows it). Its
    keys are stored as registration would store them (tests/awarding reads them over HTTP)."""
    key = Ed25519PrivateKey.generate()
    did = "did:web:guild.example"
    method = {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": public_key_multibase(key.public_key()),
    }
    Endorser.objects.create(
        did=did,
        name="Employers' Guild of Lower Saxony and Bremen",
        verification_methods=[method],
        document_url="https://guild.example/.well-known/did.json",
        registered_by="operator:test",
    )
    issuer = issuer_for(platform=w.platform)
    signed = sign_document(
        compose_endorsement(
            EndorsementInput(
                credential_id="https://guild.example/endorsements/1",
                issuer=IssuerInput(id=did, name="Employers' Guild", url="https://guild.example"),
                subject_id=issuer.did,
                name="The guild endorses this issuer",
                comment="Its credentials are recognised by our member companies when hiring.",
                valid_from="2026-01-01T00:00:00Z",
            )
        ),
        private_key=key,
        verification_method=method["id"],
        created="2026-01-01T00:00:00Z",
    )
    accept_external_endorsement(text=json.dumps(signed), actor="user:qa", platform_ids=None)


def _review_world(w):
    """A proposal waiting for QA and a bulk CSV with a failing line, for their pages."""
    proposal = propose_award(
        course=w.course,
        learner=w.learners[2],  # his grade award was revoked: he holds nothing live
        achievement=w.achievement,
        kind="prior_learning",
        reason="Holds the national data analyst certificate of 2024, covering both criteria.",
        evidence_url="https://certificates.example.org/alan-turing/2024/data-analyst",
        actor=f"lti:{w.platform.pk}:{w.instructor.sub}",
        actor_name=w.instructor.name,
    )
    subs = [p.sub for p in w.learners]
    upload = store_upload(
        course=w.course,
        kind="award",
        data=(
            "learner,achievement,reason,evidence_url\n"
            f"{subs[2]},{w.achievement.name},Recognised prior learning: the national "
            "certificate,https://certificates.example.org/a-rather-long-address/2024\n"
            f"{subs[0]},{w.achievement.name},Already holds it but listed anyway,\n"
            "nobody-with-this-identifier,Knitting,x,\n"
        ).encode(),
        file_name="awards-autumn-term.csv",
        actor="user:1",
    )
    return proposal, upload


def _deep_link_launch(w, base_url: str) -> str:
    """A verified deep linking request, as launch_flow stores it; its launch token."""
    launch = start_launch_session(
        platform_id=w.platform.pk,
        deployment_id="dep-1",
        context_id=w.course.context_id,
        course_id=w.course.pk,
        user_sub=w.instructor.sub,
        learner_id=w.instructor.pk,
        roles={"instructor"},
        message_type="LtiDeepLinkingRequest",
    )
    stored = {
        "settings": {
            "deep_link_return_url": f"{base_url}/__dl_return__",
            "accept_types": ["ltiResourceLink"],
        },
        "frame_id": "",
    }
    cache.set(f"lti-deep-link:{launch.launch_id}", stored, 600)
    return launch.token


def _visits(w, issued, revoked, draft, backpack, base: str):
    """(page, who sees it, how to get there): each `go` leaves the page on the browser."""
    ana = w.learners[0]
    teach = w.launch(w.instructor, "instructor").token
    learn = w.launch(ana).token
    deep_link = _deep_link_launch(w, base)
    decision = w.decisions[ana.pk]
    issuer_url = issued.credential.data["issuer"]["url"]
    _, challenge = pkce_pair()
    consent_url = backpack.authorize_url(scope=CREDENTIALS, state="sweep", challenge=challenge)

    def goto(path):
        return lambda page: page.goto(f"{base}{path}")

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


def _record_visits(w, base: str):
    """Ana's learner record (ADR 0068), shared: her page, the share link, the verifier's answer."""
    ana = w.learners[0]
    version = create_record(actor=f"lti:{w.platform.pk}:{ana.sub}", learner=ana)
    set_sharing(actor="sweep", record=version.record, shared=True)

    def verify_record(page):
        page.goto(f"{base}/credentials/verify")
        page.locator("#credential").fill(version.credential.document)
        page.locator("form[enctype] button[type=submit]").click()
        page.locator("#embedded-title").wait_for()

    return [
        ("learner record", _goto(base, f"/learner/record/?lt={w.launch(ana).token}")),
        ("shared record", _goto(base, f"/records/{version.record.share_token}")),
        ("verify (record result)", verify_record),
    ]


def _pathways(w):
    """A pathway in use (the learner page shows its progress; Ana is one credential away)
    and a draft one with its editing forms."""
    other = make_world(platform=w.platform, learner_names=(), achievement_name="Data Ethics")
    in_use = active_pathway(
        w.platform, components=[(w.achievement, None), (other.achievement, None)]
    )
    author = qa_actor(w.platform)
    draft = definition.create_pathway(
        platform=w.platform,
        name="Datenkompetenz-Zertifikat für Fortgeschrittene",
        description="A draft.",
        criteria_narrative="Hold both.",
        rule="n_of",
        required_count=1,
        actor=author,
    )
    definition.add_component(
        pathway=draft, achievement=w.achievement, min_level=level(4), actor=author
    )
    definition.add_competency(
        pathway=draft, competence=competence("5"), min_level=level(3), count=2, actor=author
    )
    return in_use, draft


def _goto(base: str, path: str):
    return lambda page: page.goto(f"{base}{path}")


def _teach(w) -> str:
    return w.launch(w.instructor, "instructor").token


def _check(page, width: int, name: str = "") -> tuple[int, list[str]]:
    """The page's document width and what is wrong with it."""
    page.wait_for_load_state("load")  # stylesheets too, after a form's navigation
    screenshots.take(page, name, width)  # before the Tab walk moves focus and scroll
    problems = []
    if page.locator("main h1").count() != 1:
        problems.append("not one <h1> in a <main>")
    if not page.evaluate(STYLED):
        problems.append("stylesheet not applied")
    size = page.evaluate(OVERFLOW)
    if size["scroll"] > size["client"]:
        problems.append(
            f"{size['scroll']} px wide in a {size['client']} px window: {size['culprits']}"
        )
    problems += [f"axe {rule} ({impact}): {nodes}" for rule, impact, nodes in axe_serious(page)]
    problems += keyboard_problems(page)
    return size["scroll"], problems


def _sweep_in_german(browser, public, widths, failures) -> None:
    """German words are longer: the public pages in a German browser, on a phone."""
    german = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 900})
    page = german.new_page()
    for name, go in public:
        go(page)
        page.wait_for_load_state("load")
        size = page.evaluate(OVERFLOW)
        widths.setdefault(f"{name} (de)", {})[390] = size["scroll"]
        if size["scroll"] > size["client"]:
            failures[f"{name} (de)", 390] = [f"{size}"]
    german.close()


# Three tests, not one: each builds the world again (a few seconds), and the parts then run on
# different test processes at once instead of one process sweeping for minutes (ADR 0069).
SWEEPS = {f"{width}px": ((width,), False) for width in WIDTHS} | {"german": ((), True)}


@pytest.mark.parametrize("sweep", SWEEPS)
def test_every_page_fits_and_works_by_keyboard(sweep, browser_page, live_server, settings):
    sweep_widths, in_german = SWEEPS[sweep]
    settings.PUBLIC_BASE_URL = live_server.url
    base = live_server.url
    w, issued, revoked, draft, backpack, suspended, change = _world(base)
    public, qa, deep_link = _visits(w, issued, revoked, draft, backpack, base)
    public += [
        ("suspend request", _goto(base, f"/course/awards/{issued.uuid}/suspend?lt={_teach(w)}")),
        (
            "reinstate request",
            _goto(base, f"/course/awards/{suspended.uuid}/reinstate?lt={_teach(w)}"),
        ),
        ("status change", _goto(base, f"/course/status-changes/{change.uuid}?lt={_teach(w)}")),
    ]
    public += _record_visits(w, base)
    qa += [
        ("QA status changes", _goto(base, "/qa/awards/status-changes")),
        ("QA status change", _goto(base, f"/qa/awards/status-changes/{change.uuid}")),
    ]
    proposal, upload = _review_world(w)
    public += [
        ("award by review", _goto(base, f"/course/proposals/?lt={_teach(w)}")),
        ("proposal", _goto(base, f"/course/proposals/{proposal.uuid}?lt={_teach(w)}")),
        ("bulk CSV (instructor)", _goto(base, f"/course/bulk/?lt={_teach(w)}")),
        ("bulk preview (instructor)", _goto(base, f"/course/bulk/{upload.uuid}?lt={_teach(w)}")),
    ]
    qa += [
        ("QA proposals", _goto(base, "/qa/proposals/")),
        ("QA proposal", _goto(base, f"/qa/proposals/{proposal.uuid}")),
        ("QA bulk upload", _goto(base, "/qa/bulk/")),
        ("QA bulk preview", _goto(base, f"/qa/bulk/{upload.uuid}")),
    ]
    in_use, draft_pathway = _pathways(w)
    qa += [
        ("QA pathways", _goto(base, "/qa/pathways/")),
        ("QA pathway", _goto(base, f"/qa/pathways/{draft_pathway.uuid}/")),
        ("QA pathway (in use)", _goto(base, f"/qa/pathways/{in_use.uuid}/")),
    ]
    browser = browser_page.context.browser
    qa_context = browser.new_context()
    qa_page = qa_context.new_page()
    failures: dict[tuple[str, int], list[str]] = {}
    widths: dict[str, dict[int, int]] = {}
    try:
        sign_in(qa_page, live_server, qa_user(w.platform))
        for width in sweep_widths:
            # Signed out of the console: the sign-in page.
            login_context = browser.new_context(viewport={"width": width, "height": 900})
            login = login_context.new_page()
            login.goto(f"{base}/qa/login/")
            widths.setdefault("QA sign-in", {})[width], problems = _check(login, width)
            login_context.close()
            if problems:
                failures["QA sign-in", width] = problems
            for page, visits in ((browser_page, public), (qa_page, qa)):
                page.set_viewport_size({"width": width, "height": 900})
                for name, go in visits:
                    go(page)
                    widths.setdefault(name, {})[width], problems = _check(page, width, name)
                    if problems:
                        failures[name, width] = problems
            # The picker as the LMS shows it: in a frame, narrower than the window.
            browser_page.set_viewport_size({"width": width, "height": 900})
            frame = open_in_lms(browser_page, live_server, f"/lti/deep-link/?lt={deep_link}")
            size = frame.locator("html").evaluate(f"({OVERFLOW})()")
            if size["scroll"] > size["client"]:
                failures["deep-linking picker (framed)", width] = [f"{size}"]
        if in_german:
            _sweep_in_german(browser, public, widths, failures)
    finally:
        qa_context.close()
    report = "\n".join(
        f"{name:28} " + "  ".join(f"{width}: {px:5} px" for width, px in sorted(by.items()))
        for name, by in widths.items()
    )
    print(f"\n{len(widths)} pages, document widths:\n{report}", file=sys.stderr)
    if in_german:
        assert {f"{name} (de)" for name, _ in public} <= set(widths)
    else:
        assert set(PAGES.values()) <= set(widths), set(PAGES.values()) - set(widths)
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
