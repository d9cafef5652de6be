"""The token endpoint: client assertion checks and scope grants, over real HTTP."""

from __future__ import annotations

import time

import pytest

from lms_sandbox.flavours import get_flavour
from lms_sandbox.models import ALL_SCOPES, SCOPE_NRPS, SCOPE_SCORE

from .conftest import token_form
from .tool_double import OTHER_KEY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["moodle", "canvas"])
def sp(request, moodle, canvas):
    return moodle if request.param == "moodle" else canvas


def _post(http, sp, form):
    return http.post(get_flavour(sp).token_url(sp), data=form)


def test_valid_assertion_gets_a_bearer_token(sp, http):
    r = _post(http, sp, token_form(sp, ALL_SCOPES))
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"].split() == ALL_SCOPES


def test_moodle_answers_json_as_text_html(moodle, canvas, http):
    assert (
        _post(http, moodle, token_form(moodle, ALL_SCOPES))
        .headers["Content-Type"]
        .startswith("text/html")
    )
    assert (
        _post(http, canvas, token_form(canvas, ALL_SCOPES))
        .headers["Content-Type"]
        .startswith("application/json")
    )


def test_bad_signature_is_refused(sp, http):
    r = _post(http, sp, token_form(sp, ALL_SCOPES, key=OTHER_KEY))
    assert r.status_code == 400
    assert r.json()["error"] in ("invalid_request", "invalid_client")
    assert "access_token" not in r.text


def test_unknown_kid_is_refused(sp, http):
    r = _post(http, sp, token_form(sp, ALL_SCOPES, kid="not-published"))
    assert r.status_code == 400 and "access_token" not in r.text


def test_replayed_jti_is_refused(sp, http):
    form = token_form(sp, ALL_SCOPES)
    assert _post(http, sp, form).status_code == 200
    again = _post(http, sp, form)
    assert again.status_code == 400 and "access_token" not in again.text


# Times are offsets in seconds from the moment the test runs, not absolute timestamps: values
# computed at collection time drift into the past over a long run, and a "future" iat then
# stops being in the future.
@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "https://elsewhere.example/token"},
        {"iss": "someone-else"},
        {"sub": "someone-else"},
        {"exp": -10},
        {"iat": -3600, "exp": 60},
        {"iat": 600, "exp": 900},
        {"jti": None},
    ],
    ids=["aud", "iss", "sub", "expired", "old-iat", "future-iat", "no-jti"],
)
def test_claim_checks(sp, http, claims):
    now = int(time.time())
    claims = {k: now + v if k in ("iat", "exp") else v for k, v in claims.items()}
    r = _post(http, sp, token_form(sp, ALL_SCOPES, **claims))
    assert r.status_code == 400, claims
    assert "access_token" not in r.text


def test_aud_with_trailing_slash_is_a_different_audience(canvas, http):
    url = get_flavour(canvas).token_url(canvas) + "/"
    r = _post(http, canvas, token_form(canvas, ALL_SCOPES, aud=url))
    assert r.status_code == 400 and r.json()["error_description"] == "the 'aud' is invalid"


def test_canvas_scopes_are_all_or_nothing(canvas, http):
    canvas.granted_scopes = [s for s in ALL_SCOPES if s != SCOPE_NRPS]
    canvas.save()
    r = _post(http, canvas, token_form(canvas, ALL_SCOPES))
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_scope"
    assert SCOPE_NRPS in r.json()["error_description"]
    ok = _post(http, canvas, token_form(canvas, [SCOPE_SCORE]))
    assert ok.status_code == 200 and ok.json()["scope"] == SCOPE_SCORE


def test_moodle_grants_the_registered_subset(moodle, http):
    moodle.granted_scopes = [SCOPE_SCORE]
    moodle.save()
    r = _post(http, moodle, token_form(moodle, ALL_SCOPES))
    assert r.status_code == 200 and r.json()["scope"] == SCOPE_SCORE
    none = _post(http, moodle, token_form(moodle, [SCOPE_NRPS]))
    assert none.status_code == 400 and none.json() == {"error": "invalid_scope"}


def test_wrong_grant_type(sp, http):
    form = {**token_form(sp, ALL_SCOPES), "grant_type": "password"}
    r = _post(http, sp, form)
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


def test_hs256_assertion_is_refused(sp, http):
    import jwt

    forged = jwt.encode(
        {"iss": sp.client_id, "sub": sp.client_id},
        "a-shared-secret-of-32-bytes-long!",
        algorithm="HS256",
    )
    form = {**token_form(sp, ALL_SCOPES), "client_assertion": forged}
    assert _post(http, sp, form).status_code == 400
