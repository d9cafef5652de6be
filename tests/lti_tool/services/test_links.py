"""`Link` header parsing: the forms real LMSs send, and the host rule for `next`."""

import pytest

from lti_tool.services.errors import UntrustedURL
from lti_tool.services.links import check_next_link, check_service_url, parse_link_header

CANVAS = (
    '<https://canvas.example.edu/api/lti/courses/101/line_items/2046/results?limit=2&page=1&per_page=2>; rel="current",'  # noqa: E501
    '<https://canvas.example.edu/api/lti/courses/101/line_items/2046/results?limit=2&page=2&per_page=2>; rel="next",'  # noqa: E501
    '<https://canvas.example.edu/api/lti/courses/101/line_items/2046/results?limit=2&page=3&per_page=2>; rel="last"'  # noqa: E501
)
# As Moodle 4.5 sent it (UTF-8 typographic quotes read as latin-1 by HTTP clients).
MOODLE = (
    "<http://127.0.0.1:8300/mod/lti/services.php/2/lineitems?resource_link_id=1&amp;type_id=1&amp;limit=1&amp;from=0>; rel=\u00e2\u0080\u009cfirst\u00e2\u0080\u009d, "  # noqa: E501
    "<http://127.0.0.1:8300/mod/lti/services.php/2/lineitems?resource_link_id=1&amp;type_id=1&amp;limit=1&amp;from=1>; rel=\u00e2\u0080\u009cnext\u00e2\u0080\u009d"  # noqa: E501
)


def test_canvas_quoted_rels_without_spaces():
    links = parse_link_header(CANVAS)
    assert links["next"].endswith("results?limit=2&page=2&per_page=2")
    assert links["last"].endswith("page=3&per_page=2")


def test_unquoted_rel_and_url_case_kept():
    links = parse_link_header("<https://LMS.example.edu/API/Results?Page=2&Token=AbC>; rel=next")
    assert links == {"next": "https://LMS.example.edu/API/Results?Page=2&Token=AbC"}


def test_moodle_typographic_quotes():
    links = parse_link_header(MOODLE)
    assert links["next"].endswith("from=1")
    assert links["first"].endswith("from=0")


def test_several_relations_in_one_value_and_no_header():
    assert parse_link_header('<https://a/x?p=2>; rel="next last"')["last"] == "https://a/x?p=2"
    assert parse_link_header(None) == {}
    assert parse_link_header("garbage") == {}


def test_next_link_must_stay_on_the_request_host():
    check_next_link(next_url="https://school.edu/a?page=2", request_url="https://school.edu/a")
    with pytest.raises(UntrustedURL):
        check_next_link(
            next_url="https://evil.example/a?page=2", request_url="https://school.edu/a"
        )
    with pytest.raises(UntrustedURL):
        check_next_link(next_url="http://school.edu/a?page=2", request_url="https://school.edu/a")
    with pytest.raises(UntrustedURL):
        check_next_link(next_url="javascript:alert(1)", request_url="https://school.edu/a")


def test_service_url_host_check():
    check_service_url(url="https://School.edu/x", allowed_hosts={"school.edu"})
    with pytest.raises(UntrustedURL):
        check_service_url(url="https://other.edu/x", allowed_hosts={"school.edu"})
    with pytest.raises(UntrustedURL):
        check_service_url(url="file:///etc/passwd", allowed_hosts={"school.edu"})
