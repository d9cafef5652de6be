"""Moodle 4.5.6's PHP-error answer to a results read with `limit`, as a real Moodle sends it.

mod/lti/service/gradebookservices/classes/local/resources/results.php,
`get_json_for_get_request`: when `limit` > 0 and the grade item has any grade_grades row,
the `type_id` branch (always taken by an LTI 1.3 tool) builds first/canonical/next/prev but
never `$lastpage`, then calls `$lastpage->out()` for the `Link` header. That is a PHP Error,
not an Exception, so `execute`'s `catch (\\Exception $e)` misses it and Moodle's
`default_exception_handler` (lib/setuplib.php) renders its HTML error page through
`$OUTPUT->fatal_error`; the tool receives that page with status 404 (observed on 4.5.6, see
the captures' item 16). With no grade at all, `$grades` is empty, the paging block is skipped
and the answer is `[]` with no `Link` header.
"""

from __future__ import annotations

from html import escape

from django.http import HttpResponse

# The message get_exception_info() gives a non-Moodle Throwable ('generalexceptionmessage').
_MESSAGE = "Exception - Call to a member function out() on null"
_DOCS = "https://docs.moodle.org/405/en/error/moodle/generalexceptionmessage"


def results_with_limit_error(request, *, site_name: str) -> HttpResponse:
    """The 404 HTML page Moodle answers instead of a page of results."""
    site = escape(site_name or "Moodle")
    body = f"""<!DOCTYPE html>
<html  dir="ltr" lang="en" xml:lang="en">
<head>
    <title>Error | {site}</title>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
</head>
<body  id="page-mod-lti-services" class="format-site path-mod path-mod-lti">
<div id="page-wrapper" class="d-print-block">
<div id="page" class="container-fluid d-print-block">
<div role="main"><span id="maincontent"></span><div class="box py-3 errorbox alert alert-danger">
<p class="errormessage">{escape(_MESSAGE)}</p>
<p class="errorcode"><a href="{_DOCS}">More information about this error</a></p>
</div></div>
</div></div>
</body>
</html>
"""
    return HttpResponse(body, status=404, content_type="text/html; charset=utf-8")
