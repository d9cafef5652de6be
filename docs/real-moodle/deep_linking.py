"""Placing Credbridge as the README tells teachers: Add an activity → Credbridge → **Select
content** (deep linking in Moodle's modal) → pick → **Save and return to course**."""

from __future__ import annotations

import contextlib
import time

from launching import NEW_WINDOW, _watch
from rig import AccessLog, Report, Rig


def place_by_deep_linking(
    rig: Rig, teacher, course_id: int, type_id: int, report: Report, log: AccessLog
) -> bool:
    """True when Moodle's activity form received the picked content and was saved."""
    log.mark()
    statuses: list[str] = []
    _watch(teacher, rig, statuses)
    teacher.goto(
        f"{rig.moodle_url}/course/modedit.php?add=lti&typeid={type_id}&course={course_id}"
        "&section=0&return=0"
    )
    teacher.wait_for_load_state("networkidle")
    teacher.locator("#id_selectcontent").click()
    # Moodle's dialog frame (`#contentitem-page-iframe`), reached through a frame locator: as
    # a cross-site frame it may be missing from page.frames.
    tool = teacher.frame_locator("#contentitem-page-iframe")
    opener = tool.get_by_role("button", name=NEW_WINDOW)
    picker = tool
    with contextlib.suppress(Exception):
        opener.or_(tool.get_by_role("button", name="Place Credbridge")).first.wait_for(
            timeout=30_000
        )
    if opener.count():  # third-party cookies blocked: the picker runs in a new window
        statuses.append("(pressed: " + opener.first.inner_text()[:50] + ")")
        with teacher.context.expect_page(timeout=20_000) as window:
            opener.first.click()
        picker = window.value
        _watch(picker, rig, statuses)
        time.sleep(6)
    place = picker.get_by_role("button", name="Place Credbridge")
    if not place.count():
        said = " ".join(picker.locator("body").inner_text().split())[:300]
        report.add("place by deep linking", "FAIL", f"no picker: {said}")
        return False
    place.first.click()
    time.sleep(6)
    name = teacher.locator("#id_name").input_value()
    returned = [AccessLog.short(x) for x in log.since("contentitem_return.php")]
    returned = [line for line in returned if "contentitem_return.php" in line]
    rig.shot(teacher, "deeplink-modedit")
    if picker is not tool and not picker.is_closed():
        rig.shot(picker, "deeplink-window-after-place")
    if not name:
        report.add(
            "place by deep linking",
            "FAIL",
            "Moodle's form got nothing (name empty; the Select content dialog still open); "
            f"Moodle answered {returned}; the picker ran in "
            f"{'a new window' if picker is not tool else 'the dialog'}",
        )
        report.note("requests: " + ", ".join(statuses))
        return False
    with contextlib.suppress(Exception):
        teacher.get_by_role("button", name="Save and return to course").click()
        teacher.wait_for_load_state("load")
    items = rig.lti("items", course=course_id)["items"]
    report.add(
        "place by deep linking",
        "PASS",
        f"Moodle's form got {name!r}; Moodle answered {returned}; grade items now "
        f"{[i['itemname'] for i in items if i['itemtype'] == 'mod']}",
    )
    return True
