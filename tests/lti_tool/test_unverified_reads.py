"""The launch's reads of an id_token before it is verified (an offer of which deployment to
read with the platform; a refusal's wording): what pyjwt's unverified decode read, or nothing."""

import base64
import json

import jwt
import pytest

from lti_tool.message_launch import C_DEPLOYMENT
from lti_tool.unverified_token import unverified_claim, unverified_nonce


def _token(payload: object) -> str:
    def segment(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{segment({'alg': 'RS256'})}.{segment(payload)}.c2ln"


@pytest.mark.parametrize("deployment", ["d", "deployment-1", "dé/ployé ✓", "x" * 301])
def test_a_claim_reads_as_pyjwt_reads_it(deployment):
    # Lengths 1, 12, 301 and non-ASCII text: every padding of the base64 segment.
    token = jwt.encode({C_DEPLOYMENT: deployment, "nonce": "n-1"}, "k" * 32, algorithm="HS256")
    unverified = jwt.decode(token, options={"verify_signature": False})
    assert unverified_claim(token, C_DEPLOYMENT) == unverified[C_DEPLOYMENT] == deployment
    assert unverified_nonce(token) == "n-1"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a token",
        "a.b",
        "a.b.c.d",
        "e30.!!!.c2ln",
        _token([C_DEPLOYMENT]),  # JSON, but not an object
        _token("text"),
        "e30." + base64.urlsafe_b64encode(b"\xff\xfe{").decode() + ".c2ln",  # not UTF-8
        "e30." + base64.urlsafe_b64encode(b"[" * 40_000).decode() + ".c2ln",  # too deep
    ],
)
def test_an_unreadable_token_has_no_claims(token):
    assert unverified_claim(token, C_DEPLOYMENT) == ""
    assert unverified_nonce(token) == ""


def test_a_claim_that_is_not_text_is_not_read():
    assert unverified_claim(_token({C_DEPLOYMENT: 7}), C_DEPLOYMENT) == ""
    assert unverified_claim(_token({C_DEPLOYMENT: {"id": "d"}}), C_DEPLOYMENT) == ""
    assert unverified_claim(_token({}), C_DEPLOYMENT) == ""
    # A refusal names the nonce a stale launch carried, whatever its JSON type.
    assert unverified_nonce(_token({"nonce": 12})) == "12"
