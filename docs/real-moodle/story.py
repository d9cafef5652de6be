"""The whole Credbridge story in a real Moodle 4.5.6, end to end, printing what happened at
each step. See docs/real-moodle.md for the rig and the environment this expects.

    python docs/real-moodle/story.py [--course-shortname CB1] [--skip-dynamic]

Run it from the deployed tool's checkout, with the tool's environment (DATABASE_URL, ...)
exported: it calls `manage.py` for the tool-side registration steps.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from deep_linking import place_by_deep_linking  # noqa: E402
from launching import Launch, goto, launch, with_lt  # noqa: E402
from rig import (  # noqa: E402
    AccessLog,
    Report,
    Rig,
    chromium,
    chromium_allowing_third_party_cookies,
    moodle_login,
)
from steps_moodle import (  # noqa: E402
    criterion_items,
    delete_column,
    dynamic_registration,
    dynamic_update,
    exclude_from_total,
    manual_registration,
    show_in_activity_chooser,
    teacher_sees_in_chooser,
)
from steps_tool import approve_as_qa, revoke, set_up_credential, sync_now  # noqa: E402

STUDENT_GRADES = {"student1": 9, "student2": 8, "student3": 3}  # of 10; the threshold is 6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course-shortname", default=f"CB{time.strftime('%H%M%S')}")
    parser.add_argument("--skip-dynamic", action="store_true")
    parser.add_argument("--wait-credential", type=float, default=420.0, help="seconds")
    args = parser.parse_args()
    rig, report = Rig(), Report()
    log = AccessLog(rig.access_log)
    check_rig(rig, report)
    with chromium(rig) as browser:
        admin = moodle_login(rig, browser, "admin")
        dynamic_type = None if args.skip_dynamic else dynamic_registration(rig, admin, report, log)
        type_id = manual_registration(rig, report)
        for each in filter(None, (dynamic_type, type_id)):
            show_in_activity_chooser(rig, admin, each, report)
        if dynamic_type:  # "Update" on Moodle's existing-tools page, then the chooser again
            dynamic_update(rig, admin, dynamic_type, report, log)
            show_in_activity_chooser(rig, admin, dynamic_type, report)
        course = rig.lti("course", shortname=args.course_shortname)
        course_id, users = course["course_id"], course["users"]
        report.add("course", "PASS", f"course {course_id} ({args.course_shortname}), ids {users}")
        teacher = moodle_login(rig, browser, "teacher1")
        teacher_sees_in_chooser(rig, teacher, course_id, report)
        if dynamic_type:
            placed = place(rig, report, course_id, dynamic_type, "Credbridge (dynamic)")
            launch_step(rig, report, log, teacher, placed["embed"], "teacher1 (dynamic type)")
        # A browser profile of its own: the teacher's has launch windows open already.
        editor = moodle_login(rig, browser, "teacher1")
        try:
            place_by_deep_linking(rig, editor, course_id, type_id, report, log)
        except Exception as exc:  # noqa: BLE001 - one step's failure must not end the story
            report.add("place by deep linking", "FAIL", f"{type(exc).__name__}: {exc}"[:300])
        cmids = place(rig, report, course_id, type_id, "Credbridge")

        def launch_as(page, who: str) -> Launch:
            done = launch_step(rig, report, log, page, cmids["embed"], who)
            return (
                done
                if done.ok
                else launch_step(rig, report, log, page, cmids["window"], f"{who} (new window)")
            )

        t_launch = launch_as(teacher, "teacher1")
        if not t_launch.ok:
            return report.summary()
        set_up_credential(rig, t_launch, report, log)
        a_launch = launch_as(admin, "admin")
        if a_launch.ok:
            approve_as_qa(rig, a_launch, report)
        students = {}
        for name in STUDENT_GRADES:
            page = moodle_login(rig, browser, name)
            students[name] = (page, launch_as(page, name))
        items = criterion_items(rig, course_id)
        report.add("columns", "PASS" if items else "FAIL", f"criterion columns in Moodle: {items}")
        t_grade = time.monotonic()
        for name, grade in STUDENT_GRADES.items():
            for item in items:
                rig.lti("grade", item=item["id"], user=users[name], grade=grade)
        report.add("grade", "PASS", f"graded in Moodle's gradebook: {STUDENT_GRADES}")
        t_sync = time.monotonic()
        sync_now(rig, t_launch, report, log)
        award = wait_for_credential(
            rig, report, students["student1"], args.wait_credential, t_grade, t_sync
        )
        if award:
            check_public_page(rig, report, award)
            grader = teacher.context.new_page()  # keeps the teacher's launch where it is
            check_postback(rig, report, course_id, users, grader)
            revoke(rig, t_launch, award, report, qa=a_launch)
            check_public_page(rig, report, award, revoked=True)
            check_postback(rig, report, course_id, users, grader, after_revoke=True)
            revocation_sticks(rig, report, log, t_launch, students["student1"][1], award)
            check_postback(rig, report, course_id, users, grader, after_revoke=True)
        check_below_threshold(rig, report, students["student3"][1])
        if award:
            column_deleted(rig, report, log, grader, course_id, items, t_launch, students)
    contrast_cookies_allowed(rig, report, log, cmids["embed"])
    return report.summary()


def contrast_cookies_allowed(rig: Rig, report: Report, log: AccessLog, cmid: int) -> None:
    """The same embedded activity in a Chromium that accepts third-party cookies: the launch
    should finish inside Moodle's iframe, with no new window."""
    try:
        with chromium_allowing_third_party_cookies(rig) as context:
            page = moodle_login(rig, context, "student2")
            done = launch_step(rig, report, log, page, cmid, "student2 (cookies allowed)")
    except RuntimeError as exc:
        report.add("launch student2 (cookies allowed)", "INFO", f"not run: {exc}")
        return
    if done.ok and done.popup:
        report.add("cookies allowed: stays in the iframe", "FAIL", "a new window was opened")


def revocation_sticks(
    rig: Rig, report: Report, log: AccessLog, teacher: Launch, learner: Launch, revoked: str
) -> None:
    """After the revocation (and its cleared score in Moodle), the teacher syncs again with
    no grade changed: the learner must not get a new credential."""
    sync_now(rig, teacher, report, log)
    time.sleep(10)
    goto(learner.surface, with_lt(f"{rig.tool_url}/learner/", learner.token))
    found = set(re.findall(r"/credentials/([0-9a-f-]{36})", learner.surface.content()))
    fresh = sorted(found - {revoked})
    report.add(
        "revocation sticks",
        "FAIL" if fresh else "PASS",
        f"after a sync with no grade changed, student1's page links credentials {sorted(found)}"
        + (f": a new one was issued ({fresh[0]})" if fresh else ""),
    )


def column_deleted(
    rig: Rig,
    report: Report,
    log: AccessLog,
    grader,
    course_id: int,
    items: list[dict],
    teacher: Launch,
    students: dict,
) -> None:
    """The teacher deletes the criterion's column in Moodle, then syncs: the dashboard should
    say so, and the revoked learner must get nothing new."""
    gone = delete_column(rig, grader, course_id, items[0]["id"])
    log.mark()
    sync_now(rig, teacher, report, log)
    time.sleep(8)
    moodle = [AccessLog.short(x) for x in log.since("services.php")]
    page = teacher.surface
    goto(page, with_lt(f"{rig.tool_url}/course/", teacher.token))
    text = " ".join(page.inner_text("body").split())
    told = any(w in text.lower() for w in ("deleted", "no longer", "missing", "removed"))
    report.add(
        "column deleted in Moodle: dashboard says so",
        "PASS" if gone and told else "FAIL",
        f"column {items[0]['id']} deleted: {gone}; Moodle answered {moodle}",
    )
    learner = students["student1"][1]
    goto(learner.surface, with_lt(f"{rig.tool_url}/learner/", learner.token))
    found = re.findall(r"/credentials/([0-9a-f-]{36})", learner.surface.content())
    report.add(
        "column deleted in Moodle: nothing issued",
        "FAIL" if found else "PASS",
        f"student1's page links credentials {sorted(set(found))}",
    )


def place(rig: Rig, report: Report, course_id: int, type_id: int, name: str) -> dict:
    """An embedded activity and a "new window" one (the kit does Moodle's form)."""
    cmids = {
        container: rig.lti(
            "activity",
            course=course_id,
            type=type_id,
            container=container,
            name=name if container == "embed" else f"{name} (new window)",
        )["cmid"]
        for container in ("embed", "window")
    }
    report.add("place", "PASS", f"type {type_id}: cmids {cmids}")
    return cmids


def check_below_threshold(rig: Rig, report: Report, launched: Launch) -> None:
    if not launched.ok:
        return
    goto(launched.surface, with_lt(f"{rig.tool_url}/learner/", launched.token))
    text = " ".join(launched.surface.inner_text("body").split())
    earned = re.search(r"/credentials/[0-9a-f-]{36}", launched.surface.content())
    report.add(
        "student3 (3/10)", "FAIL" if earned else "PASS", text[text.find("Credbridge real") :][:200]
    )


def check_rig(rig: Rig, report: Report) -> None:
    moodle = requests.get(f"{rig.moodle_url}/login/index.php", timeout=10)
    health = requests.get(f"{rig.tool_url}/healthz", timeout=10)
    page = requests.get(f"{rig.tool_url}/credentials/verify", timeout=10)
    css = re.findall(r'href="(/static/[^"]+\.css)"', page.text)
    css_status = requests.get(rig.tool_url + css[0], timeout=10).status_code if css else None
    ok = moodle.status_code == 200 and health.status_code == 200 and css_status == 200
    report.add(
        "rig",
        "PASS" if ok else "FAIL",
        f"Moodle login page {moodle.status_code}; tool /healthz {health.status_code} "
        f"{health.text[:80]}; stylesheet {css[0] if css else '-'} {css_status}",
    )


def launch_step(rig: Rig, report: Report, log: AccessLog, page, cmid: int, who: str) -> Launch:
    log.mark()
    started = time.monotonic()
    result = launch(rig, page, cmid=cmid, who=who)
    shot = rig.shot(
        result.surface.page if hasattr(result.surface, "page") else (result.surface or page),
        f"launch-{who.split()[0]}-{cmid}",
    )
    report.add(
        f"launch {who}",
        "PASS" if result.ok else "FAIL",
        f"{result.headline()} ({time.monotonic() - started:.1f} s)",
    )
    report.note("requests: " + ", ".join(result.statuses))
    moodle_said = [AccessLog.short(line) for line in log.since("/mod/lti/auth.php")]
    report.note("Moodle auth.php: " + "; ".join(moodle_said) + f"; screenshot {shot}")
    return result


def wait_for_credential(
    rig: Rig, report: Report, student, timeout: float, t_grade: float, t_sync: float
):
    """Reload the learner's page until the credential shows; returns its public URL's uuid."""
    page, launched = student
    if not launched.ok:
        report.add("credential", "FAIL", "student1 never reached the tool")
        return None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        goto(launched.surface, with_lt(f"{rig.tool_url}/learner/", launched.token))
        html = launched.surface.content()
        found = re.search(r"/credentials/([0-9a-f-]{36})", html)
        if found:
            now = time.monotonic()
            rig.shot(
                launched.surface.page if hasattr(launched.surface, "page") else launched.surface,
                "learner-credential",
            )
            report.add(
                "credential",
                "PASS",
                f"student1 sees the credential {found.group(1)} "
                f"{now - t_grade:.1f} s after the grades were entered, "
                f"{now - t_sync:.1f} s after Sync now",
            )
            return found.group(1)
        time.sleep(5)
    text = " ".join(launched.surface.inner_text("body").split())[:300]
    report.add("credential", "FAIL", f"none after {timeout:.0f} s; learner page: {text}")
    return None


def check_public_page(rig: Rig, report: Report, award: str, revoked: bool = False) -> None:
    """The public verification page's verdict (its `#verdict-title`), and the JSON document."""
    page = requests.get(f"{rig.tool_url}/credentials/{award}", timeout=10)
    doc = requests.get(f"{rig.tool_url}/credentials/{award}.json", timeout=10)
    found = re.search(r'id="verdict-title">(.*?)</', page.text, re.S)
    verdict = " ".join(found.group(1).split()) if found else "(no verdict on the page)"
    checks = [
        " ".join(re.sub(r"<[^>]+>", " ", li).split())
        for li in re.findall(r"<li class=\"(?:ok|bad)\".*?</li>", page.text, re.S)
    ]
    want = "Revoked" if revoked else "Verified"
    ok = page.status_code == 200 and doc.status_code == 200 and verdict.startswith(want)
    report.add(
        "public page" + (" after revoke" if revoked else ""),
        "PASS" if ok else "FAIL",
        f"/credentials/{award} {page.status_code}, .json {doc.status_code}: {verdict}",
    )
    report.note("checks: " + "; ".join(checks)[:400])
    if doc.ok:
        data = doc.json()
        report.note(
            f"issuer {data['issuer'].get('name')!r} ({data['issuer'].get('id')}); holder "
            f"{data['credentialSubject'].get('name')!r}"
        )


def gradebook(rig: Rig, page, course_id: int, user_id: int) -> dict:
    """One learner's row as the grader report shows it (opening the report makes Moodle
    recompute the course total), read back through the kit."""
    page.goto(f"{rig.moodle_url}/grade/report/grader/index.php?id={course_id}")
    items = rig.lti("items", course=course_id)["items"]

    def grade(item: dict):
        return (item["grades"].get(str(user_id)) or {}).get("finalgrade")

    def tagged(prefix: str) -> list[dict]:
        return [i for i in items if (i["tag"] or "").startswith(prefix)]

    total = [grade(i) for i in items if i["itemtype"] == "course"]
    return {
        "column": {i["id"]: grade(i) for i in tagged("credbridge:credential")},
        "total": total[0] if total else None,
        "criteria": sum(grade(i) or 0 for i in tagged("credbridge:criterion")),
    }


def check_postback(
    rig: Rig, report: Report, course_id: int, users: dict, page, after_revoke: bool = False
) -> None:
    """The credential's column in Moodle (1/1 once issued, empty once revoked; polled for a
    minute: the post-back is its own task) and whether it moved the course total."""
    step = "post-back after revoke" if after_revoke else "post-back"
    deadline = time.monotonic() + 60
    while True:
        row = gradebook(rig, page, course_id, users["student1"])
        cleared = [v is None or v == 0 for v in row["column"].values()]
        ok = bool(cleared) and all(c == after_revoke for c in cleared)
        if ok or time.monotonic() > deadline:
            break
        time.sleep(5)
    shot = rig.shot(page, "gradebook-after-revoke" if after_revoke else "gradebook")
    report.add(
        step,
        "PASS" if ok else "FAIL",
        f"student1's credential column {row['column'] or 'absent'}; course total {row['total']}"
        f" (criterion columns alone: {row['criteria']}); {shot}",
    )
    if after_revoke or not row["column"] or row["total"] == row["criteria"]:
        return
    report.add(
        "course total",
        "INFO",
        f"the credential column moved student1's course total {row['criteria']} -> "
        f"{row['total']} (Moodle counts every tool column; the setup page says so)",
    )
    said = exclude_from_total(rig, page, course_id, next(iter(row["column"])))
    row = gradebook(rig, page, course_id, users["student1"])
    report.add(
        "course total, column at weight 0",
        "PASS" if row["total"] == row["criteria"] else "FAIL",
        f"{said}: course total {row['total']} (criterion columns: {row['criteria']})",
    )


if __name__ == "__main__":
    sys.exit(main())
