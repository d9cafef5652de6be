"""The message shown after a form (Django messages, in the shared base template) is a live
region axe-core accepts: the list keeps its list semantics inside a role="status" box."""

from __future__ import annotations

import pytest

from awarding.models import Award
from tests.pages.sweep_checks import axe_serious
from tests.pages.world import issue, make_world

from .browser_helpers import qa_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_message_after_keeping_a_flagged_award_is_an_accessible_status(
    browser_page, live_server
):
    w = make_world()
    ada = w.learners[0]
    award = issue(w, ada)
    Award.objects.filter(pk=award.pk).update(
        state=Award.State.FLAGGED, flag_decision=w.decide(ada, {"search": 2, "evaluate": 7})
    )
    page = browser_page
    sign_in(page, live_server, qa_user(w.platform), "/qa/awards/flagged")
    page.get_by_role("button", name="Keep the award").click()
    status = page.get_by_role("status")
    status.wait_for()
    assert "Kept the award of Ada Lovelace" in status.inner_text()
    assert status.get_by_role("listitem").count() == 1
    assert axe_serious(page) == []
