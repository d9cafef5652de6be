"""The public verification page names each part it checked (proof, issuer key in its did:web
document, status, expiry, schema) with passed / failed / not checked and a sentence; it takes
JSON, both JWT forms and baked images, and answers bad input with a clear error, never a 500."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from credentials.jose_forms import stored_ob_jwt, stored_vc_jose
from credentials.local_verification import verify_credential
from credentials.revocation import revoke_credential
from credentials.verification_report import report

from .conftest import later

PARTS = ("proof", "issuer_key", "status", "expiry", "schema")


def states(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-check="(\w+)" data-state="(\w+)"', html))


@pytest.fixture
def credential(issue):
    return issue(valid_until=later(30))


def test_json_and_both_jwt_forms_show_every_part_passed(client, credential):
    vc_jose = stored_vc_jose(credential)
    assert vc_jose and vc_jose.count(".") == 2
    for text in (credential.document, stored_ob_jwt(credential), vc_jose):
        response = client.post("/credentials/verify", {"credential": text})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Verified" in html
        assert states(html) == dict.fromkeys(PARTS, "pass"), text[:40]
        assert "did:web:" in html  # the issuer key's DID is named


@pytest.mark.parametrize("suffix,kind", [(".png", "image/png"), (".svg", "image/svg+xml")])
def test_baked_images_are_read_and_checked(client, credential, suffix, kind):
    body = client.get(f"/credentials/{credential.pk}{suffix}").content
    upload = SimpleUploadedFile(f"badge{suffix}", body, content_type=kind)
    html = client.post("/credentials/verify", {"file": upload}).content.decode()
    assert "Verified" in html and states(html) == dict.fromkeys(PARTS, "pass")


def test_a_tampered_credential_fails_the_proof_and_the_rest_is_not_checked(client, credential):
    tampered = credential.document.replace('"value": "7"', '"value": "10"')
    assert tampered != credential.document
    html = client.post("/credentials/verify", {"credential": tampered}).content.decode()
    assert states(html) == {
        "proof": "fail",
        "issuer_key": "pass",
        "status": "not_checked",
        "expiry": "not_checked",
        "schema": "not_checked",
    }
    assert "altered" in html and "failed an earlier check" in html


def test_revoked_and_expired_fail_their_own_part(client, credential):
    revoke_credential(credential=credential, reason="Awarded in error", actor="qa")
    html = client.post(
        "/credentials/verify", {"credential": stored_ob_jwt(credential)}
    ).content.decode()
    assert "Revoked" in html and states(html)["status"] == "fail"
    assert states(html)["proof"] == "pass"
    parts = {
        p.key: p
        for p in report(verify_credential(credential.data, now=timezone.now() + timedelta(days=60)))
    }
    assert parts["expiry"].state == "fail" and "expired" in parts["expiry"].sentence


def _post_file(client, name, body, kind="application/octet-stream"):
    return client.post(
        "/credentials/verify", {"file": SimpleUploadedFile(name, body, content_type=kind)}
    )


@pytest.mark.parametrize(
    "name,body,message",
    [
        ("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "PNG image has no Open Badges credential"),
        (
            "x.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "SVG image has no Open Badges credential",
        ),
        ("x.svg", b"<svg><unclosed></svg>", "SVG image has no Open Badges credential"),
        ("x.bin", b"\xff\xfe\x00garbage\x80", "not a credential"),
        ("x.json", b"[1, 2, 3]", "a JSON object was expected"),
        ("x.json", b"", "nothing to verify"),
        ("x.txt", b"hello there", "neither JSON nor a JWT"),
    ],
)
def test_bad_files_get_a_clear_error(client, db, name, body, message):
    response = _post_file(client, name, body)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'role="alert"' in html


def test_uploads_over_the_cap_are_refused_before_they_are_read(client, db):
    big = b"{" + b" " * 2_200_000 + b"}"
    response = _post_file(client, "big.json", big, "application/json")
    assert response.status_code == 413 and "larger than 2 MB" in response.content.decode()
    # Form text over Django's own cap is refused before any view runs: a clear 400 page.
    pasted = client.post("/credentials/verify", {"credential": "x" * 3_000_000})
    assert (
        pasted.status_code == 400 and "larger than this service accepts" in pasted.content.decode()
    )


def test_nothing_given_and_deep_json_are_clear_errors(client, db):
    assert "nothing to verify" in client.post("/credentials/verify", {}).content.decode()
    deep = client.post("/credentials/verify", {"credential": "[" * 100_000 + "]" * 100_000})
    assert deep.status_code == 400
