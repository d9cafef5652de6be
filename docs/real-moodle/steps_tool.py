"""The steps inside Credbridge, as people do them in the launched page: the teacher's guided
setup, QA's approval from an administrator's launch, Sync now, and a revocation."""

from __future__ import annotations

import time

from launching import Launch, goto, with_lt
from rig import AccessLog, Report, Rig

# The fields an instructor types; the criterion's key is made from its name on saving (the
# editor keeps it in a hidden field since the rubric editor's rework).
CRITERION = {"title": "Final project", "points": "10", "threshold": "6"}
# The teacher's request to revoke: (field, value) typed and chosen, and the button pressed
# (tests/pages/test_real_moodle_driver.py checks the page still has them).
REVOKE_REASON = ("private_reason", "Real-Moodle rig: revocation test.")
REVOKE_CATEGORY = ("public_category", "issued_in_error")
REVOKE_BUTTON = "Ask for confirmation"


def _said(surface) -> str:
    """The page's messages (Django messages, alerts, refusals), else its heading."""
    for selector in ("[role=alert]", "[role=status]", ".messages", ".refusal", "h1"):
        found = surface.locator(selector)
        if found.count():
            return " | ".join(" ".join(t.split()) for t in found.all_inner_texts())[:300]
    return ""


def _click(surface, name: str) -> None:
    surface.get_by_role("button", name=name).first.click()
    time.sleep(0.5)
    surface.wait_for_load_state("load")


def set_up_credential(rig: Rig, teacher: Launch, report: Report, log: AccessLog) -> None:
    s, lt, tool = teacher.surface, teacher.token, rig.tool_url
    goto(s, with_lt(f"{tool}/course/setup/achievement", lt))
    s.fill("#id_name", "Credbridge real-Moodle badge")
    s.fill("#id_description", "Shown in a real Moodle 4.5.6.")
    s.fill("#id_criteria_narrative", "Score at least 6 of 10 in the final project.")
    _click(s, "Save and continue")
    report.add("setup: achievement", "PASS" if "/course/setup/" in s.url else "FAIL", _said(s))

    goto(s, with_lt(f"{tool}/rubrics/", lt))
    s.fill("#id_title", "Real-Moodle rubric")
    _click(s, "Create rubric")
    editor = s.locator("[data-testid=criterion-0]")
    if not editor.count():
        report.add("setup: rubric", "FAIL", f"no criterion editor at {s.url}: {_said(s)}")
        return
    for name, value in CRITERION.items():
        editor.locator(f"[name$='-{name}']").fill(value)
    s.locator("[data-testid=save-draft]").click()
    s.wait_for_load_state("load")
    saved = not s.locator(".errorlist").count() and "Final project" in s.content()
    errors = " ".join(s.locator(".errorlist").all_inner_texts())[:200]
    report.add("setup: rubric", "PASS" if saved else "FAIL", f"{_said(s)} {errors}")

    log.mark()
    s.locator("[data-testid=create-line-items]").click()
    s.wait_for_load_state("load")
    moodle = [AccessLog.short(line) for line in log.since("/mod/lti/services.php")]
    ok = any("POST" in m and "lineitems" in m and m.endswith(("200", "201")) for m in moodle)
    report.add("setup: columns in Moodle", "PASS" if ok else "FAIL", _said(s))
    report.note("Moodle answered: " + "; ".join(moodle[-6:]))

    goto(s, with_lt(f"{tool}/course/setup/", lt))
    mode = s.locator("select[name=mode]")
    if mode.count():
        mode.select_option("automatic")
    _click(s, "Submit for QA review")
    report.add("setup: submit for QA", "PASS" if "Submitted" in s.content() else "FAIL", _said(s))
    rig.shot(s.page if hasattr(s, "page") else s, "teacher-setup-submitted")
    opt_in_gradebook_column(s, report)


def opt_in_gradebook_column(s, report: Report) -> None:
    """The credential column in the LMS gradebook is off unless the instructor turns it on."""
    box = s.locator("form.gradebook-rule input[name=gradebook_column]")
    if not box.count():
        report.add("setup: gradebook column", "INFO", "no opt-in on the setup page (always on)")
        return
    was = box.first.is_checked()
    box.first.check()
    s.locator("form.gradebook-rule button[type=submit]").first.click()
    s.wait_for_load_state("load")
    on = s.locator("form.gradebook-rule input[name=gradebook_column]").first.is_checked()
    report.add(
        "setup: gradebook column",
        "PASS" if on and not was else "FAIL",
        f"off by default: {not was}; turned on: {on}; {_said(s)}",
    )


def open_qa_console(rig: Rig, admin: Launch, report: Report):
    """The QA console, opened by "Open QA console" on the administrator's course dashboard
    (a new window, by a single-use handoff: no second login)."""
    s = admin.surface
    goto(s, with_lt(f"{rig.tool_url}/course/", admin.token))
    opener = s.get_by_role("button", name="Open QA console")
    report.note(f"'Open QA console' on the admin's dashboard: {opener.count() > 0}")
    if not opener.count():  # before the handoff existed, the console took the launch token
        goto(s, with_lt(f"{rig.tool_url}/qa/", admin.token))
        return s
    page = s.page if hasattr(s, "page") else s
    with page.context.expect_page(timeout=20_000) as window:
        opener.first.click()
    console = window.value
    console.wait_for_url(lambda url: "/qa/" in url and "handoff" not in url, timeout=20_000)
    return console


def approve_as_qa(rig: Rig, admin: Launch, report: Report) -> None:
    """QA from the administrator's launch: "Open QA console" on the course dashboard opens the
    console in a new window (a single-use handoff, no second login); approve, then activate."""
    console = open_qa_console(rig, admin, report)
    report.note(f"QA console at {console.url[:80]}: {_said(console)}")
    link = console.locator("a[href*='/qa/versions/']")
    if not link.count():
        report.add(
            "QA approve", "FAIL", f"nothing to review at {console.url[:60]}: {_said(console)}"
        )
        return
    goto(console, link.first.get_attribute("href"))
    console.locator("[data-testid=approve]").click()
    console.wait_for_load_state("load")
    if console.locator("[data-testid=activate]").count():
        console.locator("[data-testid=activate]").click()
        console.wait_for_load_state("load")
    state = console.locator("[data-testid=version-state]")
    shown = state.first.inner_text() if state.count() else ""
    rig.shot(console.page if hasattr(console, "page") else console, "qa-approved")
    active = "ctive" in shown or "activate done" in _said(console)
    report.add("QA approve", "PASS" if active else "FAIL", f"{_said(console)} (state {shown})")


def sync_now(rig: Rig, teacher: Launch, report: Report, log: AccessLog) -> None:
    """Press "Sync now" and watch Moodle's log for the results reads it should cause."""
    s = teacher.surface
    goto(s, with_lt(f"{rig.tool_url}/course/", teacher.token))
    log.mark()
    started = time.monotonic()
    _click(s, "Sync now")
    reads: list[str] = []
    while time.monotonic() - started < 30 and not reads:
        time.sleep(1)
        reads = [AccessLog.short(x) for x in log.since("/results")]
    time.sleep(2)
    moodle = [AccessLog.short(line) for line in log.since("/mod/lti/services.php")]
    # A 404 on GET .../lineitem is Credbridge confirming a column gone from the container.
    confirmed = [
        m for m in moodle if m.startswith("GET") and "/lineitem?" in m and m.endswith("404")
    ]
    bad = [m for m in moodle if not m.endswith(("200", "201")) and m not in confirmed]
    status = " ".join(s.locator("body").inner_text().split())
    at = status.find("Last sync")
    outcome = "FAIL" if bad or not reads else "PASS"
    said = (
        f"Moodle answered {len(moodle)} service requests, not 2xx: {bad[:3]}"
        + (f"; deletion confirmed: {confirmed[:2]}" if confirmed else "")
        if reads
        else "Moodle saw no results request within 30 s of Sync now"
    )
    report.add("sync now", outcome, f"{said}; dashboard: {status[at : at + 160]}")
    rig.shot(s.page if hasattr(s, "page") else s, "teacher-after-sync")


def revoke(rig: Rig, who: Launch, award: str, report: Report, qa: Launch | None = None) -> None:
    """The teacher asks to revoke from the course dashboard's revoke form; QA confirms it in
    the console opened from the administrator's launch (a second person, never the asker)."""
    if not who.ok:
        report.add("revoke", "FAIL", "no launched instructor to revoke with")
        return
    s = who.surface
    goto(s, with_lt(f"{rig.tool_url}/course/awards/{award}/revoke", who.token))
    s.fill(f"textarea[name={REVOKE_REASON[0]}]", REVOKE_REASON[1])
    s.select_option(f"select[name={REVOKE_CATEGORY[0]}]", REVOKE_CATEGORY[1])
    _click(s, REVOKE_BUTTON)
    asked = _said(s)
    confirmed = "no QA launch to confirm with"
    if qa is not None and qa.ok:
        console = open_qa_console(rig, qa, report)
        goto(console, f"{rig.tool_url}/qa/awards/status-changes")
        link = console.locator("a[href*='/qa/awards/status-changes/']")
        if link.count():
            goto(console, link.first.get_attribute("href"))
            _click(console, "Confirm")
        confirmed = _said(console)
        rig.shot(console.page if hasattr(console, "page") else console, "revoked")
    report.add(
        "revoke",
        "PASS" if "Confirmed" in confirmed else "FAIL",
        f"teacher asked: {asked}; QA: {confirmed}",
    )
