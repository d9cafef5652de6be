"""The rubric review page in words: gradebook columns by their LMS label (the URL only as
secondary text), places by criterion title, changes and history as sentences."""

from __future__ import annotations

import pytest

from rubrics.diff import diff_versions
from tests.pages.world import make_world

from .browser_helpers import qa_user


@pytest.mark.django_db
def test_the_diff_names_a_gradebook_column_by_its_label(client):
    w = make_world()
    spec = w.version.to_spec()
    url = spec.criteria[0].line_item_url
    changes = diff_versions(None, spec, column_labels={url: "Search data"})
    column = next(c for c in changes if c.what == "gradebook column" and c.new == "Search data")
    assert column.new_detail == url and column.place == "criterion “Search data”"
    # Without labels the URL is all there is, and it is not repeated as detail.
    bare = next(c for c in diff_versions(None, spec) if c.what == "gradebook column")
    assert bare.new.startswith("https://") and bare.new_detail == ""

    client.force_login(qa_user(w.platform))
    page = client.get(f"/qa/versions/{w.version.pk}/").content.decode()
    diff = page.split('data-testid="diff-table"')[1].split("</table>")[0]
    assert f'<span title="{url}">Search data</span>' in diff
    assert "criterion “Search data”" in diff and "criterion search<" not in diff
    assert ">added<" in diff
