"""The Moodle administrator's and teacher's steps: registering the tool (in Moodle's "Add LTI
Advantage" dialog, and manually), the activity-chooser setting, and the gradebook columns."""

from __future__ import annotations

import contextlib
import json
import time

import requests
from rig import AccessLog, Report, Rig


def _types(rig: Rig) -> dict[int, dict]:
    return {int(t["id"]): t for t in rig.lti("types")["types"]}


def _platforms(rig: Rig) -> list[dict]:
    code = (
        "import json; from lti_tool.models import Platform; print(json.dumps([dict(id=p.pk,"
        " name=p.name, issuer=p.issuer, client_id=p.client_id, deployments=list("
        "p.deployments.values_list('deployment_id', 'active'))) for p in Platform.objects.all()]))"
    )
    return json.loads(rig.manage("shell", "-c", code).stdout.strip().splitlines()[-1])


def dynamic_registration(rig: Rig, admin, report: Report, log: AccessLog) -> int | None:
    """Site administration → Plugins → Activity modules → External tool → Manage tools:
    paste the registration URL into "Tool URL", press "Add LTI Advantage"."""
    log.mark()
    probe = requests.get(f"{rig.tool_url}/lti/register/", timeout=10)
    report.note(
        f"registration page's CSP, before Moodle opens it: "
        f"{probe.headers.get('Content-Security-Policy')!r} (status {probe.status_code})"
    )
    before = _types(rig)
    platforms_before = {p["id"] for p in _platforms(rig)}
    admin.goto(f"{rig.moodle_url}/mod/lti/toolconfigure.php")
    admin.fill("#tool-url", f"{rig.tool_url}/lti/register/")
    admin.click("#tool-create-button")
    frame = _dialog_frame(admin)
    time.sleep(2)
    text = _frame_text(frame)
    if frame is not None and "existing tools" in text:
        # A tool already registered on the same domain (the manual one, on a re-run): Moodle
        # asks first (registration_upgrade_choice_page): "Register as a new external tool".
        report.note("Moodle: " + text[:160])
        frame.locator("button[data-href$='type=0']").click()
        time.sleep(3)
        frame = next((f for f in admin.frames if f.parent_frame is not None), frame)
        text = _frame_text(frame)
    report.note(f"registration iframe: {frame.url[:120] if frame else '-'}: {text[:300]}")
    shot = rig.shot(admin, "dynreg-1-dialog")
    pressed = ""
    if frame is not None and frame.locator("#register").count():
        # The administrator names the platform (a bare address offers no name), then Register.
        name = frame.locator("input[name=name]")
        if name.count() and not name.input_value():
            name.fill("Credbridge test Moodle (dynamic)")
        pressed = frame.locator("#register").inner_text()
        frame.locator("#register").click()
        time.sleep(3)
        report.note("after Register: " + _frame_text(frame)[:400])
        rig.shot(admin, "dynreg-2-registered")
        done = frame.locator("#close")
        if done.count() and done.is_visible():
            pressed += " → " + done.inner_text()
            done.click()
    closed = _wait_closed(admin)
    rig.shot(admin, "dynreg-3-after")
    after = _types(rig)
    new = sorted(set(after) - set(before))
    platforms = [p for p in _platforms(rig) if p["id"] not in platforms_before]
    report.note(
        "Moodle answered: "
        + "; ".join(
            AccessLog.short(line)
            for line in log.since("/mod/lti/")
            if "openid" in line or "registration" in line or "startltiadv" in line
        )
    )
    ok = bool(new) and bool(platforms) and closed
    report.add(
        "register dynamic",
        "PASS" if ok else "FAIL",
        f"pressed {pressed!r}; dialog closed by postMessage: {closed}; new Moodle types "
        f"{[(i, after[i]['name'], after[i]['state']) for i in new]}; new tool platforms "
        f"{platforms}; screenshot {shot}",
    )
    if not new:
        return None
    type_id = new[-1]
    if int(after[type_id]["state"]) == 2:  # LTI_TOOL_STATE_PENDING: Moodle lists it as pending
        _activate(rig, admin, type_id, report)
    if rig.has_command("approve_platform") and platforms:
        pending = rig.manage("approve_platform", check=False)
        report.note("approve_platform (pending): " + " ".join(pending.stdout.split())[:300])
        done = rig.manage("approve_platform", str(platforms[-1]["id"]), check=False)
        report.add(
            "approve_platform",
            "PASS" if done.returncode == 0 else "FAIL",
            (done.stdout if done.returncode == 0 else done.stdout + done.stderr).strip()[:300],
        )
    return type_id


def dynamic_update(rig: Rig, admin, type_id: int, report: Report, log: AccessLog) -> None:
    """**Add LTI Advantage** again and, on Moodle's "existing tools" page, **Update** the
    tool: Moodle's token then says reg-update, and whatever the tool POSTs to
    openid-registration.php replaces the type's configuration (lti_update_type)."""
    before = rig.lti("typeinfo", type=type_id)["type"]
    log.mark()
    admin.goto(f"{rig.moodle_url}/mod/lti/toolconfigure.php")
    admin.fill("#tool-url", f"{rig.tool_url}/lti/register/")
    admin.click("#tool-create-button")
    frame = _dialog_frame(admin)
    update = frame.locator(f"button[data-href$='type={type_id}']") if frame else None
    if update is not None:
        with contextlib.suppress(Exception):
            update.wait_for(timeout=15_000)
    if update is None or not update.count():
        report.add("register dynamic: Update", "FAIL", f"no Update: {_frame_text(frame)[:200]}")
        return
    # The buttons do nothing until the page's own script binds them; clicked earlier, Moodle
    # never asked for the update (no POST in its access log) and the step read INFO.
    frame.wait_for_function(
        "() => [...document.querySelectorAll('button[data-href]')].every(b => b.onclick)"
    )
    update.click()
    time.sleep(4)
    frame = next((f for f in admin.frames if f.parent_frame is not None), frame)
    name = frame.locator("input[name=name]")
    if name.count() and not name.input_value():
        name.fill("Credbridge test Moodle (update)")
    if frame.locator("#register").count():
        frame.locator("#register").click()
        time.sleep(4)
    said = _frame_text(frame)
    rig.shot(admin, "dynreg-update")
    after = rig.lti("typeinfo", type=type_id)["type"]
    posted = [AccessLog.short(x) for x in log.since("openid-registration.php") if "POST" in x]
    changed = {
        k: (before[k], after[k])
        for k in ("coursevisible", "timemodified", "clientid")
        if before[k] != after[k]
    }
    # Credbridge must refuse Moodle's update before posting anything (ADR 0004): nothing
    # posted and Moodle's type unchanged passes; a post that changed Moodle's type fails.
    if not posted and not changed and "nothing was sent" in said:
        outcome = "PASS"
    elif posted and changed:
        outcome = "FAIL"
    else:
        outcome = "INFO"
    start = max(said.find("Your LMS asked"), 0)
    report.add(
        "register dynamic: Update",
        outcome,
        f"Moodle answered {posted}; Moodle's type {type_id} changed {changed}; "
        f"Credbridge said: {said[start:][:220]}",
    )


def _dialog_frame(admin, seconds: float = 20):
    """The iframe Moodle's "Add LTI Advantage" opens, once it has loaded something."""
    frame, deadline = None, time.monotonic() + seconds
    while time.monotonic() < deadline:
        frame = next((f for f in admin.frames if f.parent_frame is not None), None)
        if frame is not None and frame.url not in ("", "about:blank"):
            return frame
        time.sleep(0.5)
    return frame


def _frame_text(frame) -> str:
    if frame is None:
        return "(no iframe)"
    try:
        return " ".join(frame.inner_text("body", timeout=5000).split())
    except Exception as exc:  # noqa: BLE001 - a blocked frame shows Chromium's error page
        return f"(unreadable: {type(exc).__name__}; frame url {frame.url[:80]})"


def _wait_closed(admin, seconds: float = 20) -> bool:
    """Moodle empties and hides the dialog when the tool posts org.imsglobal.lti.close."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if admin.locator("#external-registration-container.hidden").count():
            return True
        time.sleep(0.5)
    return False


def _activate(rig: Rig, admin, type_id: int, report: Report) -> None:
    """The pending tool's card on *Manage tools* has an **Activate** link."""
    admin.goto(f"{rig.moodle_url}/mod/lti/toolconfigure.php")
    admin.wait_for_load_state("networkidle")
    link = admin.locator(f"[data-type-id='{type_id}'] a.activate")
    if not link.count():
        link = admin.locator("a.activate")
    if link.count():
        link.first.click()
        time.sleep(3)
    state = _types(rig)[type_id]["state"]
    report.add(
        "activate (Moodle)",
        "PASS" if int(state) == 1 else "FAIL",
        f"type {type_id} state {state} (1 configured, 2 pending)",
    )


def manual_registration(rig: Rig, report: Report) -> int:
    """ "Configure a tool manually" (the kit does Moodle's form through its API), then the
    README's `manage.py register_platform` with what Moodle shows in its details."""
    made = rig.lti("type", tool=rig.tool_url, name="Credbridge")
    m = rig.moodle_url
    done = rig.manage(
        "register_platform",
        "--flavour",
        "moodle",
        "--name",
        "Credbridge test Moodle",
        "--issuer",
        made["issuer"],
        "--client-id",
        made["client_id"],
        "--auth-login-url",
        f"{m}/mod/lti/auth.php",
        "--auth-token-url",
        f"{m}/mod/lti/token.php",
        "--key-set-url",
        f"{m}/mod/lti/certs.php",
        "--deployment",
        made["deployment_id"],
    )
    report.add(
        "register manual",
        "PASS",
        f"Moodle type {made['type_id']} client {made['client_id']}; {done.stdout.strip()}",
    )
    return int(made["type_id"])


def show_in_activity_chooser(rig: Rig, admin, type_id: int, report: Report) -> None:
    """Edit the tool (the cog on its card): Tool configuration usage → "Show in activity
    chooser and as a preconfigured tool" (lti_coursevisible = 2), Save changes."""
    admin.goto(f"{rig.moodle_url}/mod/lti/toolconfigure.php")
    sesskey = admin.evaluate("() => M.cfg.sesskey")
    admin.goto(
        f"{rig.moodle_url}/mod/lti/typessettings.php?action=update&id={type_id}&sesskey={sesskey}"
    )
    before = rig.lti("typeinfo", type=type_id)["type"]["coursevisible"]
    select = admin.locator("select[name=lti_coursevisible]")
    found = select.count() > 0
    if found:
        select.select_option("2")
        admin.locator("#id_submitbutton").first.click()
        admin.wait_for_load_state()
    visible = rig.lti("typeinfo", type=type_id)["type"]["coursevisible"]
    report.add(
        "activity chooser setting",
        "PASS" if int(visible) == 2 else "FAIL",
        f"type {type_id} coursevisible {before} -> {visible} (form found: {found})",
    )


def teacher_sees_in_chooser(rig: Rig, teacher, course_id: int, report: Report) -> None:
    teacher.goto(f"{rig.moodle_url}/course/view.php?id={course_id}")
    toggle = teacher.locator("input[name=setmode]")
    if toggle.count() and not toggle.first.is_checked():
        toggle.first.click()
        teacher.wait_for_load_state("networkidle")
    opener = teacher.locator("button[data-action=open-chooser] >> visible=true").first
    found = False
    if opener.count():
        opener.evaluate("b => b.click()")  # under the first-visit user tour's backdrop
        time.sleep(3)
        found = teacher.locator(".modal").get_by_text("Credbridge").count() > 0
    rig.shot(teacher, "teacher-activity-chooser")
    report.add(
        "activity chooser",
        "PASS" if found else "FAIL",
        f"'Credbridge' in the teacher's 'Add an activity or resource': {found}",
    )
    teacher.keyboard.press("Escape")


def criterion_items(rig: Rig, course_id: int) -> list[dict]:
    """The gradebook columns the tool created through AGS for its criteria."""
    items = rig.lti("items", course=course_id)["items"]
    return [
        {"id": i["id"], "name": i["itemname"], "tag": i["tag"], "max": i["grademax"]}
        for i in items
        if (i["tag"] or "").startswith("credbridge:criterion")
    ]


def exclude_from_total(rig: Rig, teacher, course_id: int, item_id: int) -> str:
    """What Credbridge's setup page tells the teacher: Gradebook setup, "Override weight" of
    the credential column, weight 0, Save changes (Moodle's default Natural aggregation)."""
    teacher.goto(f"{rig.moodle_url}/grade/edit/tree/index.php?id={course_id}")
    override = teacher.locator(f"input[type=checkbox][name=weightoverride_{item_id}]")
    if not override.count():
        return "no weight override for the column on Gradebook setup"
    override.check()
    teacher.locator(f"input[name=weight_{item_id}]:not([type=hidden])").fill("0")
    teacher.get_by_role("button", name="Save changes").click()
    teacher.wait_for_load_state()
    return "weight of the credential column overridden to 0"


def delete_column(rig: Rig, teacher, course_id: int, item_id: int) -> bool:
    """Gradebook setup → the column's menu → Delete (grade/edit/tree/index.php, 'delete')."""
    teacher.goto(f"{rig.moodle_url}/grade/edit/tree/index.php?id={course_id}")
    sesskey = teacher.evaluate("() => M.cfg.sesskey")
    teacher.goto(
        f"{rig.moodle_url}/grade/edit/tree/index.php?id={course_id}&action=delete"
        f"&eid=ig{item_id}&sesskey={sesskey}&confirm=1"
    )
    return all(i["id"] != item_id for i in rig.lti("items", course=course_id)["items"])
