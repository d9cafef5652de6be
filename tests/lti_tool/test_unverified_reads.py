"""The launch's reads of an id_token before it is verified (an offer of which deployment to
read with the platform; a refusal's wording): what pyjwt's unverified decode read, or nothing."""

import base64
import json

import jwt
import pytest

from lti_tool.message_launch import C_DEPLOYMENT
from lti_tool.unverified_token import read_unverified, unverified_claim, unverified_nonce


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
    read = read_unverified(token)
    assert read.readable and read.token == token
    assert read.header == jwt.get_unverified_header(token) and read.payload == unverified


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
    read = read_unverified(token)
    assert not read.readable and read.header == {} and read.payload == {}


@pytest.mark.parametrize("header", [b"[]", b'"RS256"', b"{", b"\xff"])
def test_a_token_whose_header_is_not_a_json_object_is_unreadable(header):
    segment = base64.urlsafe_b64encode(header).rstrip(b"=").decode()
    token = jwt.encode({C_DEPLOYMENT: "d"}, "k" * 32, algorithm="HS256")
    read = read_unverified(".".join([segment, *token.split(".")[1:]]))
    assert not read.readable and read.payload == {}


def test_a_claim_that_is_not_text_is_not_read():
    assert unverified_claim(_token({C_DEPLOYMENT: 7}), C_DEPLOYMENT) == ""
    assert unverified_claim(_token({C_DEPLOYMENT: {"id": "d"}}), C_DEPLOYMENT) == ""
    assert unverified_claim(_token({}), C_DEPLOYMENT) == ""
    # A refusal names the nonce a stale launch carried, whatever its JSON type.
    assert unverified_nonce(_token({"nonce": 12})) == "12"


def test_the_verification_builds_pyltis_requests_session_only_when_a_service_needs_it(rf):
    """pylti1p3 builds a requests.Session for every launch; only its service helpers use one."""
    from pylti1p3.service_connector import REQUESTS_USER_AGENT
    from requests import Session

    from lti_tool.login_state import LoginRecord
    from lti_tool.message_launch import CredbridgeMessageLaunch

    record = LoginRecord(
        state="s", nonce="n", browser_secret="b", platform_id=1, target_link_uri=""
    )
    verification = CredbridgeMessageLaunch(
        rf.post("/lti/launch/"), record=record, tool_origins=set()
    )
    assert verification._lazy_requests_session is None
    session = verification._requests_session
    assert isinstance(session, Session) and session.headers["User-Agent"] == REQUESTS_USER_AGENT
    assert verification._requests_session is session
